"""The staff desk (Büro): one module per concern, all behind `access.desk_view`."""
