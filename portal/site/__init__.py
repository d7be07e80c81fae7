"""The static portal: pages, downloads and assets generated from datasets/, published with MkDocs."""
