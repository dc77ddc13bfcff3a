"""`cchc-inbox db …`: the schema."""

from __future__ import annotations

import logging
import sys

import click

from ingest.commands.context import Context, pass_context
from store.copy import TargetNotEmpty, copy_database
from store.db import make_engine, schema_revisions, sqlite_file, upgrade_schema


@click.group()
def db() -> None:
    """Cơ sở dữ liệu: tạo, nâng cấp, chép sang nơi khác.

    \b
    Ví dụ:
      cchc-inbox db upgrade
    """


@db.command("upgrade")
@pass_context
def db_upgrade(context: Context) -> None:
    """Tạo hoặc nâng cấp cơ sở dữ liệu lên phiên bản mới nhất.

    Chạy sau khi cài hoặc cập nhật cchc-inbox; chạy lại nhiều lần cũng không sao.
    Chỉ lệnh này tạo tệp SQLite.

    \b
    Ví dụ:
      cchc-inbox --config /etc/cchc-inbox/config.toml db upgrade
    """
    if logging.getLogger().isEnabledFor(logging.DEBUG):  # -v: each migration Alembic runs
        logging.getLogger("alembic").setLevel(logging.INFO)
    engine = context.engine(require_schema=False)
    where = sqlite_file(engine.url) or engine.url.render_as_string(hide_password=True)
    before = schema_revisions(engine)
    # Mail stored before campaigns existed belongs to the first campaign configured.
    upgrade_schema(engine, campaign=context.config.campaigns[0].code)
    after = schema_revisions(engine)
    if before == after:
        click.echo(f"Cơ sở dữ liệu {where} đã ở phiên bản mới nhất ({', '.join(after)}).")
    elif not before:
        click.echo(f"Đã tạo cơ sở dữ liệu {where} (phiên bản {', '.join(after)}).")
    else:
        click.echo(f"Đã nâng cấp cơ sở dữ liệu {where}: {', '.join(before)} → {', '.join(after)}.")


@db.command("copy")
@click.option(
    "--to",
    "target_url",
    required=True,
    metavar="URL",
    help="Địa chỉ (SQLAlchemy URL) của cơ sở dữ liệu mới, còn trống.",
)
@pass_context
def db_copy(context: Context, target_url: str) -> None:
    """Chép sổ theo dõi sang một cơ sở dữ liệu khác, còn trống.

    Dừng dịch vụ trước. Lược đồ của nơi nhận được tạo; nơi gửi chỉ được đọc.
    Xong thì sửa [database] url trong cấu hình cho trỏ tới nơi nhận.

    \b
    Ví dụ (từ SQLite sang PostgreSQL):
      cchc-inbox db copy --to 'postgresql+psycopg:///cchc_inbox'
    """
    source = context.engine()
    target = make_engine(target_url)
    try:
        upgrade_schema(target)
        copied = copy_database(source, target)
    except TargetNotEmpty as error:
        click.echo(f"Không chép: cơ sở dữ liệu đích đã có dữ liệu ({error}).", err=True)
        sys.exit(1)
    finally:
        target.dispose()
    for table, rows in copied.items():
        click.echo(f"{table}: {rows} dòng")
    click.echo(f"Đã chép xong {sum(copied.values())} dòng. Hãy sửa [database] url trong cấu hình.")
