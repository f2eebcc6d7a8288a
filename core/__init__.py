"""Bottom layer of yichuang: settings, database and the error family. Imports nothing of ours."""
