"""The `renkei` console script: Renkei's manage.py."""

import os
import sys

BUSY = (
    "データベースがほかの書き込みで混み合っていて、{seconds:.0f}秒待っても書き込めませんでした。"
    "しばらくしてから、もう一度実行してください。",
    "The database stayed busy with other writes; after waiting {seconds:.0f} s this could not write. "
    "Run it again in a while.",
)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renkei.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except Exception as exc:
        from renkei.core.sqlite_backend.base import is_lock_error

        if not is_lock_error(exc):
            raise
        # SQLite's write lock stayed taken for longer than a command waits (renkei.core.write_wait):
        # say so in both languages rather than with a traceback.
        from renkei.core.write_wait import budget

        for text in BUSY:
            sys.stderr.write(text.format(seconds=budget()) + "\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
