"""What to send, to whom and when: outbox rows queued in a booking's transaction
(`queue`), their texts (`texts`), quiet hours, the dispatcher that sends them exactly once
(`dispatch`), the worker's tasks and one transport per channel (`transports`)."""
