"""The layout's promises: the core never knows Telegram, every command and setting is documented."""

from __future__ import annotations

import ast
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.settings import SETTINGS, Settings

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_dialogs_knowledge_and_storage_never_import_telegram():
    offenders = []
    for package in ("dialogs", "knowledge", "storage"):
        for path in (ROOT / package).rglob("*.py"):
            for name in imported_modules(path):
                if name == "telegram" or name.startswith("telegram.") or name == "bot" or name.startswith("bot."):
                    offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_architecture_check_would_catch_a_telegram_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from telegram import Update\n")
    assert "telegram" in imported_modules(bad)


def test_every_cli_command_has_help():
    runner = CliRunner()
    for name, command in main.commands.items():
        assert command.help, name
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name


def test_every_setting_is_documented_in_readme_and_env_example():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    for s in SETTINGS:
        assert s.env in readme, s.env
        assert s.env in example, s.env


def test_settings_come_from_environment_over_dotenv(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("CAREBOT_DB=/from/dotenv.db\nCAREBOT_LOG_LEVEL=DEBUG\n")
    settings = Settings.from_env({"CAREBOT_DB": "/from/env.db"}, dotenv_path=env_file)
    assert settings.db_path == "/from/env.db"
    assert settings.log_level == "DEBUG"
    assert settings.timezone == "America/Los_Angeles"
    assert settings.offline


def test_settings_never_show_the_token():
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": "999:SECRET-TOKEN"}, dotenv_path=None)
    assert "SECRET-TOKEN" not in repr(settings)
    assert not settings.offline
