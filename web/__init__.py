"""The staff's web application: the second shell over the register, beside ingest/."""
