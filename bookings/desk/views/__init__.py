"""Thin views for office staff, one module per page group; `bookings.roles.desk_view` lets
them in."""
