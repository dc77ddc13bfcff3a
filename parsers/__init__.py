"""Pure core: bytes in, frozen dataclasses out. No I/O, no clock, no database."""
