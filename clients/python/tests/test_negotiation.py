"""The client's side of connection set-up against a scripted peer on a Unix socket: what an old (C) gateway or a
refusing gateway answers, which the real gateway of test_gateway.py cannot be made to send on demand."""

import asyncio
import json
import os
import shutil
import tempfile
import unittest

from beamline_ipc import AsyncClient, ConnectionLost, FrameDecoder, GatewayError, encode_frame
from beamline_ipc import _frame as F


def error(code, reason, status):
    return json.dumps({"ok": False, "error": {"code": code, "reason": reason, "status": status,
                                              "message": reason, "retryable": False}}).encode()


class ScriptedPeerTest(unittest.IsolatedAsyncioTestCase):
    async def peer(self, answer):
        """A peer that answers each frame with ``answer(frame, writer)``."""
        directory = tempfile.mkdtemp(prefix="beamline-py-peer-")
        self.addCleanup(shutil.rmtree, directory, True)
        path = os.path.join(directory, "peer.sock")
        self.writers = []

        async def serve(reader, writer):
            self.writers.append(writer)
            decoder = FrameDecoder()
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                for frame in decoder.push(data):
                    answer(frame, writer)
            writer.close()

        server = await asyncio.start_unix_server(serve, path)
        self.addAsyncCleanup(server.wait_closed)
        self.addCleanup(server.close)
        return path

    async def test_a_gateway_that_does_not_serve_capabilities_is_spoken_to_in_v1(self):
        def answer(f, w):
            if f.type == F.CAPABILITIES:
                w.write(encode_frame(1, F.RESPONSE_ERROR, 0, error(2, "invalid_type", 400)))
            elif f.type == F.PING and f.version == 1:
                w.write(encode_frame(1, F.PONG, 0, None))
        async with AsyncClient(await self.peer(answer)) as c:
            self.assertEqual(c.protocol_version, 1)
            self.assertGreaterEqual(await c.ping(), 0)

    async def test_a_gateway_that_refuses_the_connection_fails_connect_with_connection_lost(self):
        def answer(f, w):
            w.write(encode_frame(1, F.RESPONSE_ERROR, 0, error(12, "permission_denied", 403)))
            w.close()
        with self.assertRaises(ConnectionLost) as caught:
            await AsyncClient(await self.peer(answer)).connect()
        self.assertIsInstance(caught.exception.__cause__, GatewayError)
        self.assertEqual(caught.exception.__cause__.code, 12)

    async def test_an_error_frame_that_answers_no_request_is_the_reason_of_the_connection_loss(self):
        def answer(f, w):
            if f.type == F.PING:
                w.write(encode_frame(2, F.PONG, f.request_id, None))
        async with AsyncClient(await self.peer(answer), protocol_version=2) as c:
            await c.ping()
            self.writers[0].write(encode_frame(1, F.RESPONSE_ERROR, 0, error(6, "idle_timeout", 499)))
            self.writers[0].close()
            while c.is_open:
                await asyncio.sleep(0.01)
            with self.assertRaises(ConnectionLost) as caught:
                await c.ping()
            self.assertEqual(caught.exception.__cause__.reason, "idle_timeout")


if __name__ == "__main__":
    unittest.main()
