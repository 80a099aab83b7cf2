import unittest

from beamline_ipc import FrameDecoder, default_socket_path, encode_frame
from beamline_ipc import _frame as F


class FrameTest(unittest.TestCase):
    def test_frames_are_encoded_as_the_examples_of_the_protocol(self):
        self.assertEqual(encode_frame(1, F.PING, 0, None).hex(), "0000000601f0")
        self.assertEqual(encode_frame(2, F.PING, 1, None).hex(), "0000000a02f000000001")
        self.assertEqual(encode_frame(2, F.TASK_QUERY, 258, b'{"task_id":"t1"}').hex(),
                         "0000001a0202000001027b227461736b5f6964223a227431227d")

    def test_frames_are_decoded_whatever_the_reads_look_like(self):
        data = bytes.fromhex("0000000a02f100000001" "0000001a0202000001027b227461736b5f6964223a227431227d"
                             "0000000601f1")
        for cut in (1, 3, 7, 11, len(data)):
            decoder = FrameDecoder()
            frames = []
            for i in range(0, len(data), cut):
                frames += decoder.push(data[i:i + cut])
            self.assertEqual([tuple(f) for f in frames], [
                (2, 0xF1, 1, b""), (2, 0x02, 258, b'{"task_id":"t1"}'), (1, 0xF1, 0, b"")])

    def test_a_header_no_frame_can_have_is_refused(self):
        with self.assertRaisesRegex(ValueError, "version 3"):
            FrameDecoder().push(bytes.fromhex("0000000603f0"))
        with self.assertRaisesRegex(ValueError, "below"):
            FrameDecoder().push(bytes.fromhex("0000000902f0"))
        with self.assertRaisesRegex(ValueError, "above"):
            FrameDecoder().push(bytes.fromhex("0040000101f0"))


class SocketPathTest(unittest.TestCase):
    def test_the_default_socket_path_follows_the_protocol_rule(self):
        self.assertEqual(default_socket_path({}), "/tmp/beamline-gateway.sock")
        self.assertEqual(default_socket_path({"XDG_RUNTIME_DIR": "/run/user/1000"}),
                         "/run/user/1000/beamline/gateway.sock")
        self.assertEqual(default_socket_path({"XDG_RUNTIME_DIR": "relative/dir"}), "/tmp/beamline-gateway.sock")
        self.assertEqual(default_socket_path({"XDG_RUNTIME_DIR": " "}), "/tmp/beamline-gateway.sock")
        self.assertEqual(default_socket_path({"XDG_RUNTIME_DIR": "/run/user/1", "CGW_IPC_SOCKET_PATH": "/x/c.sock"}),
                         "/x/c.sock")
        self.assertEqual(default_socket_path({"CGW_IPC_SOCKET_PATH": "/x/c.sock",
                                              "BEAMLINE_IPC_SOCKET_PATH": "/x/b.sock"}), "/x/b.sock")


if __name__ == "__main__":
    unittest.main()
