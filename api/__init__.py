"""The service: FastAPI app, the ``yichuang`` command line. Nothing imports api."""
