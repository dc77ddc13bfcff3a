"""Persistence: the only package that imports SQLAlchemy. Models, migrations, writes, blobs."""
