from tests.smtp_sandbox import smtp_server

__all__ = ["smtp_server"]
