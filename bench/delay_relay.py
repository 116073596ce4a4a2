#!/usr/bin/env python3
"""TCP relays that delay every byte by DELAY seconds each way: wan.sh's stand-in for tc netem on
kernels built without it (CONFIG_NET_SCH_NETEM). Usage: delay_relay.py DELAY_S LISTEN_HOST TARGET_HOST PORT...
Each PORT listens on LISTEN_HOST and forwards to TARGET_HOST:PORT. Like netem on lo, RTT = 2 x DELAY."""
import asyncio
import sys
import time


async def pipe(reader, writer, delay):
    # Read as fast as data comes, write each chunk DELAY after it arrived: latency without a rate limit.
    queue = asyncio.Queue(maxsize=4096)

    async def pump():
        try:
            while chunk := await reader.read(1 << 18):
                await queue.put((time.monotonic() + delay, chunk))
        except OSError:
            pass  # a reset ends this direction like an end of stream
        await queue.put((time.monotonic() + delay, b""))

    task = asyncio.create_task(pump())
    try:
        while True:
            due, chunk = await queue.get()
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            if not chunk:
                writer.write_eof()
                return
            writer.write(chunk)
            await writer.drain()
    finally:
        task.cancel()


async def relay(delay, listen, target, port):
    async def handle(r1, w1):
        try:
            r2, w2 = await asyncio.open_connection(target, port)
        except OSError:
            w1.close()  # not up yet: the client sees a refused health check, as without the relay
            return
        try:
            await asyncio.gather(pipe(r1, w2, delay), pipe(r2, w1, delay), return_exceptions=True)
        finally:
            w1.close()
            w2.close()

    server = await asyncio.start_server(handle, listen, port)
    await server.serve_forever()


async def main():
    delay, listen, target, ports = float(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
    await asyncio.gather(*(relay(delay, listen, target, int(p)) for p in ports))


if __name__ == "__main__":
    asyncio.run(main())
