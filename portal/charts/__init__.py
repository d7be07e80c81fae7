"""Charts declared in data packages (``views``), built with Altair, rendered offline with vl-convert."""
