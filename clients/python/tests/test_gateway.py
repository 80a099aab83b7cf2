"""Against real processes: nats-server, the reference Router and the gateway (harness.py)."""

import asyncio
import re
import unittest

from beamline_ipc import (AsyncClient, Client, ConnectionLost, DeadlineExceeded, GatewayError, StreamChunk,
                          StreamEnd)

from .harness import Deployment

TENANT = "clients"  # clients/testdata/policies/clients/<policy>.json
UUID = re.compile(r"^[0-9a-f-]{36}$")
deployment = None


def setUpModule():
    global deployment
    deployment = Deployment()


def tearDownModule():
    if deployment is not None:
        deployment.stop()


def task(policy_id, **extra):
    return dict(tenant_id=TENANT, policy_id=policy_id, **extra)


async def collect(stream):
    return [item async for item in stream]


async def until(check):
    for _ in range(400):
        if await check():
            return
        await asyncio.sleep(0.025)
    raise AssertionError("condition not met within 10 s")


class AsyncV2Test(unittest.IsolatedAsyncioTestCase):
    VERSION = 2

    async def asyncSetUp(self):
        self.c = await AsyncClient(deployment.socket_path, protocol_version=self.VERSION, connect_timeout=30).connect()

    async def asyncTearDown(self):
        await self.c.close()

    async def submit_error(self, *args, **kwargs):
        with self.assertRaises(GatewayError) as caught:
            await self.c.submit(*args, **kwargs)
        return caught.exception

    async def test_ping(self):
        self.assertEqual(self.c.protocol_version, self.VERSION)
        self.assertGreaterEqual(await self.c.ping(), 0)

    async def test_submit_returns_the_decision_and_query_finds_the_task(self):
        r = await self.c.submit("code_completion", {"file": "a.py", "line": 42}, **task("default"))
        self.assertRegex(r.task_id, UUID)
        self.assertRegex(r.trace_id, r"^[0-9a-f]{32}$")
        self.assertEqual(r.decision["provider_id"], "openai")
        q = await self.c.query(r.task_id)
        self.assertEqual(q["status"], "succeeded")

    async def test_legacy_editor_submit(self):
        r = await self.c.submit_legacy("code_completion", file="a.py", line=42, context="def f():", **task("default"))
        self.assertEqual(r.decision["provider_id"], "openai")

    async def test_many_requests_in_flight_on_one_connection(self):
        ids = ["many-py-v%d-%d" % (self.VERSION, i) for i in range(40)]
        results = await asyncio.gather(*(self.c.submit("t", {"i": i}, **task("default", task_id=i)) for i in ids))
        self.assertEqual([r.task_id for r in results], ids)

    async def test_a_router_error_is_a_gateway_error_with_the_router_context(self):
        e = await self.submit_error("t", {"x": 1}, **task("blocked"))
        self.assertEqual((e.code, e.status, e.reason, e.retryable), (14, 403, "validator_blocked", False))
        self.assertEqual(e.router["code"], "validator_blocked")
        self.assertEqual(e.router["details"]["validator"], "secrets")
        self.assertRegex(e.task_id, UUID)

    async def test_a_router_rate_limit_is_retryable_with_retry_after_ms(self):
        e = await self.submit_error("t", {"x": 1}, **task("limited"))
        self.assertEqual((e.code, e.status, e.retryable, e.retry_after_ms), (9, 429, True, 2500))

    async def test_bad_input_is_invalid_payload_and_the_connection_stays_usable(self):
        e = await self.submit_error("", {})
        self.assertEqual((e.code, e.status, e.reason), (4, 400, "invalid_payload"))
        with self.assertRaises(GatewayError) as caught:
            await self.c.query("no-such-task-anywhere")
        self.assertEqual((caught.exception.code, caught.exception.status), (11, 404))
        self.assertGreaterEqual(await self.c.ping(), 0)

    async def test_the_call_deadline_passes_locally(self):
        with self.assertRaises(DeadlineExceeded):
            await self.c.submit("t", {"x": 1}, timeout=0.3, **task("slow"))
        self.assertGreaterEqual(await self.c.ping(), 0)

    async def test_the_gateway_deadline_passes(self):
        e = await self.submit_error("t", {"x": 1}, timeout=20, **task("slow", deadline_ms=300))
        self.assertEqual((e.code, e.reason, e.retryable), (5, "timeout", True))

    async def test_cancel_answers_the_submit_with_cancelled(self):
        task_id = "cancel-py-v%d" % self.VERSION
        submitted = asyncio.ensure_future(self.c.submit("t", {"x": 1}, timeout=20, **task("slow", task_id=task_id)))
        await asyncio.sleep(0)  # the submit is sent first
        cancelled = await self.c.cancel(task_id)
        self.assertIs(cancelled["cancelled"], True)
        with self.assertRaises(GatewayError) as caught:
            await submitted
        self.assertEqual((caught.exception.code, caught.exception.reason), (10, "cancelled"))
        self.assertEqual((await self.c.query(task_id))["status"], "cancelled")

    async def test_cancelling_the_awaiting_task_sends_task_cancel(self):
        task_id = "taskcancel-py-v%d" % self.VERSION
        submitted = asyncio.ensure_future(self.c.submit("t", {"x": 1}, timeout=20, **task("slow", task_id=task_id)))
        # Asked on another connection: on v1 this one answers in order, after the submit.
        async with AsyncClient(deployment.socket_path, connect_timeout=30) as side:
            async def status_is(status):
                try:
                    return (await side.query(task_id))["status"] == status
                except GatewayError:  # not registered yet
                    return False
            await until(lambda: status_is("pending"))
            submitted.cancel()
            with self.assertRaises(asyncio.CancelledError):
                await submitted
            await until(lambda: status_is("cancelled"))

    async def test_a_stream_yields_its_chunks_then_the_terminal_status_and_counts(self):
        s = self.c.stream("t", {"x": 1}, **task("stream"))
        items = await collect(s)
        answer = await s.answer()
        self.assertEqual(answer.decision["provider_id"], "openai")
        self.assertEqual([i.seq if isinstance(i, StreamChunk) else i.status for i in items],
                         [1, 2, 3, 4, 5, "complete"])
        self.assertTrue(all(len(i.data) == 12 and i.task_id == answer.task_id for i in items[:5]))
        end = items[5]
        self.assertIsInstance(end, StreamEnd)
        self.assertEqual((end.ok, end.chunks, end.bytes, end.error), (True, 5, 60, None))
        self.assertIs(s.end, end)

    async def test_a_stream_the_router_fails_ends_with_status_error(self):
        items = await collect(self.c.stream("t", {"x": 1}, **task("streamfail")))
        end = items[-1]
        self.assertEqual([i.seq for i in items[:-1]], [1, 2])
        self.assertEqual((end.status, end.ok, end.chunks), ("error", False, 2))
        self.assertIsInstance(end.error, GatewayError)
        self.assertEqual(end.error.router["code"], "internal")

    async def test_cancel_of_a_running_stream_ends_it_with_status_cancelled(self):
        s = self.c.stream("t", {"x": 1}, **task("longstream"))
        seqs, end, cancel = [], None, None
        async for item in s:
            if isinstance(item, StreamEnd):
                end = item
            else:
                seqs.append(item.seq)
                if len(seqs) == 3:
                    cancel = asyncio.ensure_future(self.c.cancel(s.task_id))  # v1: answered after the stream's end
        self.assertEqual(seqs[:3], [1, 2, 3])
        self.assertEqual((end.status, end.error.code), ("cancelled", 10))
        self.assertTrue(3 <= end.chunks < 1000)
        self.assertIs((await cancel)["cancelled"], True)

    async def test_cancelling_the_iterating_task_cancels_the_stream(self):
        s = self.c.stream("t", {"x": 1}, **task("longstream"))
        seqs = []

        async def consume():
            async for item in s:
                seqs.append(item.seq)

        consumer = asyncio.ensure_future(consume())
        await until(lambda: asyncio.sleep(0, len(seqs) >= 2))
        consumer.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await consumer
        # The gateway ended the stream: a subscriber sees its terminal status.
        async with AsyncClient(deployment.socket_path, protocol_version=self.VERSION, connect_timeout=30) as other:
            self.assertEqual((await collect(other.subscribe(s.task_id)))[-1].status, "cancelled")
        self.assertGreaterEqual(await self.c.ping(), 0)

    async def test_stream_subscribe_resumes_an_ended_stream_on_another_connection(self):
        s = self.c.stream("t", {"x": 1}, **task("stream"))
        await collect(s)
        async with AsyncClient(deployment.socket_path, protocol_version=self.VERSION, connect_timeout=30) as other:
            resumed = other.subscribe(s.task_id, from_seq=3)
            items = await collect(resumed)
            self.assertEqual((await resumed.answer())["from_seq"], 3)
            self.assertEqual([i.seq if isinstance(i, StreamChunk) else i.status for i in items], [3, 4, 5, "complete"])
            self.assertEqual(items[-1].chunks, 5)
            with self.assertRaises(GatewayError) as caught:
                await collect(other.subscribe("no-such-stream"))
            self.assertEqual((caught.exception.code, caught.exception.reason), (11, "stream_not_found"))

    async def test_stream_subscribe_joins_a_live_stream(self):
        s = self.c.stream("t", {"x": 1}, **task("longstream"))
        self.assertEqual((await s.__anext__()).seq, 1)
        self.assertEqual((await s.__anext__()).seq, 2)
        async with AsyncClient(deployment.socket_path, protocol_version=self.VERSION, connect_timeout=30) as other:
            seen, cancel = [], None
            async for item in other.subscribe(s.task_id, from_seq=2):
                if isinstance(item, StreamEnd):
                    self.assertEqual(item.status, "cancelled")
                    break
                seen.append(item.seq)
                if len(seen) == 3:
                    cancel = asyncio.ensure_future(other.cancel(s.task_id))
            self.assertEqual(seen[:3], [2, 3, 4])
            await cancel
        rest = await collect(s)
        self.assertEqual(rest[-1].status, "cancelled")


class AsyncV1Test(AsyncV2Test):
    VERSION = 1


class NegotiationTest(unittest.IsolatedAsyncioTestCase):
    async def test_connect_negotiates_v2_from_capabilities(self):
        async with AsyncClient(deployment.socket_path, connect_timeout=30) as c:
            self.assertEqual(c.protocol_version, 2)
            caps = await c.capabilities()
            self.assertEqual(caps["protocol_versions"], [1, 2])
            self.assertIn("stream_resume", caps["features"])

    async def test_a_missing_socket_is_connection_lost_at_connect(self):
        with self.assertRaises(ConnectionLost):
            await AsyncClient(deployment.socket_path + ".none").connect()


class BlockingClientTest(unittest.TestCase):
    def test_submit_stream_cancel_and_errors(self):
        with Client(deployment.socket_path, connect_timeout=30) as c:
            self.assertEqual(c.protocol_version, 2)
            d = c.submit("code_completion", {"file": "a.py"}, **task("default"))
            self.assertEqual(d.decision["provider_id"], "openai")
            self.assertEqual(c.submit_legacy("code_completion", file="a.py", line=1, **task("default"))
                             .decision["provider_id"], "openai")
            items = list(c.stream("t", {"x": 1}, **task("stream")))
            self.assertEqual([i.seq if isinstance(i, StreamChunk) else i.status for i in items],
                             [1, 2, 3, 4, 5, "complete"])
            with self.assertRaises(GatewayError) as caught:
                c.submit("t", {"x": 1}, **task("blocked"))
            self.assertEqual(caught.exception.reason, "validator_blocked")
            with self.assertRaises(DeadlineExceeded):
                c.submit("t", {"x": 1}, timeout=0.3, **task("slow"))
            s = c.stream("t", {"x": 1}, **task("longstream"))
            self.assertEqual(next(s).seq, 1)
            self.assertIs(s.cancel()["cancelled"], True)
            self.assertEqual([i for i in s if isinstance(i, StreamEnd)][0].status, "cancelled")
            self.assertGreaterEqual(c.ping(), 0)


class GatewayRestartTest(unittest.IsolatedAsyncioTestCase):
    async def test_connection_loss_is_connection_lost_and_a_new_connect_works_after_the_restart(self):
        c = await AsyncClient(deployment.socket_path, connect_timeout=30).connect()
        in_flight = asyncio.ensure_future(c.submit("t", {"x": 1}, timeout=60, **task("slow")))
        s = c.stream("t", {"x": 1}, **task("longstream"))
        await s.answer()
        streamed = asyncio.ensure_future(collect(s))
        deployment.kill_gateway()
        with self.assertRaises(ConnectionLost):
            await in_flight
        with self.assertRaises(ConnectionLost):
            await streamed
        self.assertFalse(c.is_open)
        with self.assertRaises(ConnectionLost):
            await c.ping()
        await c.close()

        deployment.start_gateway()
        with Client(deployment.socket_path, connect_timeout=30) as again:
            self.assertEqual(again.submit("t", {"x": 1}, **task("default")).decision["provider_id"], "openai")


if __name__ == "__main__":
    unittest.main()


class ReadmeExampleTest(unittest.TestCase):
    def test_the_readme_example_runs_against_the_gateway(self):
        import os
        import subprocess
        import sys
        here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        with open(os.path.join(here, "README.md"), encoding="utf-8") as f:
            code = re.search(r"```python\n(.*?)```", f.read(), re.S).group(1)
        out = subprocess.run([sys.executable, "-c", code], cwd=here, capture_output=True, text=True, timeout=60,
                             env=dict(os.environ, PYTHONPATH=os.path.join(here, "src"),
                                      BEAMLINE_IPC_SOCKET_PATH=deployment.socket_path))
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertRegex(out.stdout, r"(?m)^task [0-9a-f-]{36} decision")
        self.assertRegex(out.stdout, r"(?m)^end: complete 5 chunks 1280 bytes$")
        self.assertRegex(out.stdout, r"(?m)^refused: 11 404 policy_not_found final$")
        self.assertRegex(out.stdout, r"(?m)^10 decisions on one connection, protocol v2$")
