"""Errors the pure core raises."""


class InvalidAnswer(Exception):
    """A member's answer could not be used; `reason` names a catalog message.

    The engine turns it into a specific, kind re-prompt: the catalog key is
    ``invalid.<reason>`` and ``params`` fill its placeholders.
    """

    def __init__(self, reason: str, **params):
        super().__init__(reason)
        self.reason = reason
        self.params = params
