"""Portail open data de la démocratie locale numérique.

The pipeline reads top to bottom: load (``portal.dataset``) → check (``portal.validate``) →
chart → render → publish.
"""

__version__ = "0.1.0"
