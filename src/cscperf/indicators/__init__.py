"""The indicator engine: every indicator declared once (data plus SQL), computed for any period."""
