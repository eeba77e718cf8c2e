"""Thin views, one module per concern: desk_*.py for office staff, helper_*.py for helpers;
who may open which is decided in `access.py`."""
