"""The coordinator's pages under /koordination/: the audit trail, closures, helpers,
workshops, topics and loan devices. Every change goes through `bookings.services`, so
flags, messages and audit entries follow as they do from the desk."""
