"""The two ways a question can refuse input: a malformed response, or an unusable spec."""


class ResponseError(ValueError):
    """A learner's response has the wrong shape for the question; the message is for the learner."""


class SpecError(ValueError):
    """A spec cannot be used as given (invalid parameters, or parameters never instantiated)."""
