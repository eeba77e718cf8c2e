"""What Twilio tells us: signed webhooks (`webhooks`, `urls`), delivery status
(`delivery`) and the seniors' replies by SMS or keypad (`replies`)."""
