import smtplib

from django.core.mail.backends.locmem import EmailBackend


class FailsOnceBackend(EmailBackend):
    """Drops the connection on the first send, like a mail relay restarting, then delivers."""

    failures_left = 1

    def send_messages(self, messages):
        if FailsOnceBackend.failures_left:
            FailsOnceBackend.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
        return super().send_messages(messages)
