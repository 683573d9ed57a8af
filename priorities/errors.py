from common.errors import DomainError


class ProfileError(DomainError):
    """A rule of Form 1 or the improvement plan said no."""
