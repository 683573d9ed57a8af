class DomainError(Exception):
    """A business rule said no. The message is written for the person who asked."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
