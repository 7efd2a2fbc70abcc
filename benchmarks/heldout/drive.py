"""Drive held-out messages through the running bot (real Application + stand-in); dump first replies as JSON.

usage: python benchmarks/heldout/drive.py FILE.toml OUT.json [--state stranger|reporting|idle]
Run with the tree's venv python from the tree's root (PYTHONPATH=.).
"""

import asyncio, json, sys, tomllib, tempfile, os

sys.path.insert(0, os.getcwd())
from bot.app import build_core, serve
from bot.settings import Settings
from bot.standin import StandIn
from dialogs.clock import FastClock
from datetime import datetime, timezone


async def main(path, out, state):
    data = tomllib.load(open(path, "rb"))
    items = []
    for key, rows in data.items():
        if isinstance(rows, list):
            for r in rows:
                items.append({**r, "set": key})
    server = await StandIn().start()
    tmp = tempfile.mkdtemp()
    settings = Settings(token=server.token, api_base_url=server.base_url, db_path=f"{tmp}/c.db", poll_timeout=1, rate_limit=0)
    core = build_core(settings)
    core.clock = FastClock(datetime(2026, 11, 24, 18, 0, tzinfo=timezone.utc))
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(settings, stop, core=core, ready=ready))
    await asyncio.wait_for(ready.wait(), 60)
    results = []
    sem = asyncio.Semaphore(8)

    async def one(i, it):
        async with sem:
            lang = it.get("l", "en")
            ui = "es" if lang == "es" else "en"
            u = server.user(900000 + i, "Pat", ui) if hasattr(server, "user") else None
            if state in ("reporting", "idle"):
                await u.command("start")
                await u.settle()
                await u.tap("English" if ui == "en" else "Español")
                await u.tap("I agree" if ui == "en" else "Acepto")
                if state == "idle":
                    await u.command("cancel")
                    await u.settle()
            before = len(u.messages)
            await u.send(it["t"])
            try:
                await u.settle(timeout=15)
            except Exception:
                pass
            new = u.messages[before:]
            results.append(
                {
                    **it,
                    "replies": [
                        {
                            "text": m.text,
                            "buttons": [b.get("callback_data") for row in (m.buttons or []) for b in row]
                            if hasattr(m, "buttons")
                            else [],
                        }
                        for m in new
                    ],
                }
            )

    await asyncio.gather(*(one(i, it) for i, it in enumerate(items)))
    stop.set()
    await asyncio.wait_for(task, 30)
    await server.stop()
    json.dump(results, open(out, "w"), ensure_ascii=False, indent=1)


if __name__ == "__main__":
    state = sys.argv[sys.argv.index("--state") + 1] if "--state" in sys.argv else "reporting"
    asyncio.run(main(sys.argv[1], sys.argv[2], state))
