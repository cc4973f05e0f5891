"""Wheels and builds: ``check`` (lint provider and consumer wheels), ``consumer`` (which
providers a consumer wheel links) and ``generate`` (a provider's pylink.json)."""
