"""The errors a use case raises, in one place: every layer above maps them once.

The web answers ``NotFound`` with 404, ``NotAllowed`` with 403 or a message, ``Conflict``
with 409; the CLI prints the message. Services never let a storage error (SQLAlchemy's
``NoResultFound``) through: the repository turns a missing row into ``NotFound``.
"""

from __future__ import annotations


class DomainError(Exception):
    """A use case refused a command; the message says why."""


class NotFound(DomainError, LookupError):
    """The object named by the command does not exist."""


class NotAllowed(DomainError):
    """The command breaks a rule of the exchange; the message says which."""


class Conflict(DomainError):
    """The object's state does not allow the command now."""
