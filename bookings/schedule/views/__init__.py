"""Thin views for helpers, one module per page group; `bookings.roles.helper_required` lets
them in, and each view still filters by `request.user.helper`."""
