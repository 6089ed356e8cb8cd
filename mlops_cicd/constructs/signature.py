"""Show a construct's own arguments, with their types, in `help()` and `inspect.signature`.

jsii's metaclass (`jsii._runtime.JSIIMeta`, a subclass of `type`) defines `__call__(cls, *args, **kwargs)`,
and `inspect.signature` reads a class's signature from its metaclass's `__call__` before its `__init__`: every
construct would show `(*args, **kwargs)`. A class attribute `__signature__` is read before either.
"""

from __future__ import annotations

import inspect


class _InitSignature:
    """`cls.__signature__`: the parameters of `cls.__init__` after `self`, worked out for the class it is
    read from, so a user's subclass with its own `__init__` shows its own."""

    def __get__(self, instance: object, owner: type) -> inspect.Signature | None:
        if instance is not None:
            return None  # an instance is not callable: let inspect say so
        try:
            init = inspect.signature(owner.__init__, eval_str=True)
        except NameError:  # an annotation names something imported only for type checkers
            init = inspect.signature(owner.__init__)
        return init.replace(parameters=list(init.parameters.values())[1:])


def shows_init_signature(cls: type) -> type:
    """Class decorator: `help(cls)` and `inspect.signature(cls)` show `cls.__init__`'s parameters."""
    cls.__signature__ = _InitSignature()  # type: ignore[attr-defined]
    return cls


def shows_evaluated_signature(function):
    """Function decorator: `help(function)` shows the types of its arguments, not the text of the annotations
    (the modules postpone annotations: `from __future__ import annotations`)."""
    function.__signature__ = inspect.signature(function, eval_str=True)
    return function
