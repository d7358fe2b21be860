"""Run the ARI simulator standalone:

    python -m ari_simulator --port 8088 --username asterisk --password asterisk --speed 1
"""
from __future__ import annotations

import argparse
import asyncio

from .server import AriSimulator


async def _serve(args: argparse.Namespace) -> None:
    sim = AriSimulator(username=args.username, password=args.password, speed=args.speed,
                       app_default=args.app, host=args.host, port=args.port)
    await sim.start()
    for endpoint in args.phone or []:
        await sim.add_phone(endpoint=endpoint)
    print(f"ARI simulator on {sim.ari_url}/ari (user {args.username}); control at {sim.ari_url}/sim/state",
          flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await sim.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ari_simulator",
                                     description="Simulated Asterisk ARI server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8088)
    parser.add_argument("--username", default="asterisk")
    parser.add_argument("--password", default="asterisk")
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--app", default=None, help="Stasis app the dialplan hands calls to")
    parser.add_argument("--phone", action="append",
                        help="register an auto-answering phone, e.g. PJSIP/ssk-01-1")
    args = parser.parse_args(argv)
    try:
        asyncio.run(_serve(args))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
