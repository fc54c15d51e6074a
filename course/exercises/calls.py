"""How a learner's answer is called on a case: the same code in the check and the grader.

The instant check (:mod:`course.checks`) calls these functions in the learner's kernel; the
grader runs their source, unchanged, in the sandboxed kernel after the submission (it
cannot import them there: ``course.exercises`` is hidden while grading). So each is a
module-level function without annotations whose imports are inside its body.

- :func:`plain`: a result as plain JSON values (numbers, strings, lists), which is what
  the grader receives and what every verdict compares;
- :func:`called`: one call of the learner's function (or the reference) on a case;
- :func:`withheld`: the library functions an exercise implements, swapped for stand-ins
  that raise while the learner's answer runs (see :data:`WITHHELD`).
"""

from __future__ import annotations

#: the start of the message of a withheld library function's stand-in
WITHHELD = "is not available in this exercise"


def plain(value, depth=0):
    """``value`` as JSON values: NumPy arrays and scalars as lists and numbers, tuples as
    lists, dicts with string keys, strings cut at 1,000 characters; anything else raises
    TypeError."""
    import numpy

    if depth > 8:
        raise TypeError("nested too deeply")
    if isinstance(value, numpy.generic):  # before float: numpy.float64 is a float
        return value.item()
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return value[:1000]
    if isinstance(value, numpy.ndarray):
        if value.size > 100000:
            raise TypeError("array too large")
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [plain(item, depth + 1) for item in value[:100000]]
    if isinstance(value, dict):
        return {str(key)[:100]: plain(item, depth + 1) for key, item in list(value.items())[:1000]}
    raise TypeError(f"cannot send a {type(value).__name__}")


def called(target, args, arrays, driver):
    """``target`` on a case's JSON ``args``: through ``driver(target, *args)`` when the
    exercise has one, else ``target(*args)`` with the positions in ``arrays`` as float
    NumPy arrays. The result is returned as it is."""
    import numpy

    if driver is not None:
        return driver(target, *args)
    values = [numpy.array(a, dtype=float) if i in arrays else a for i, a in enumerate(args)]
    return target(*values)


def withheld(names):
    """Swap each library function named in ``names`` ("dlcore.activations.softmax",
    "dlcore.Perceptron.update") for a stand-in raising RuntimeError "NAME is not available
    in this exercise" (:data:`WITHHELD`); return the function that puts them back.

    A Python function gets the stand-in's code in place, so every reference to it taken
    earlier (``from dlcore import softmax as s``) raises too; anything else (a NumPy or
    torch built-in) is replaced on its module or class; a decorated one (NumPy's dispatched
    functions, SciPy's) has the code of the function it wraps swapped. A method a class
    inherits is shadowed on that class alone (its base and its other subclasses keep it).

    A name whose module is imported (in ``sys.modules``) is swapped at once. The others'
    modules are not imported here (torch, SciPy or scikit-learn would take a second): no
    reference to them can exist yet, so the answer can only reach them by importing them.
    An import hook, first on ``sys.meta_path`` until ``restore``, swaps such a name as soon
    as a module it is under has loaded. ``restore`` removes the hook and undoes every swap.
    """
    import sys
    import types

    def stand_in_for(attribute, dotted):
        message = f"{dotted} is not available in this exercise: write it yourself"
        scope = {}
        exec(f"def {attribute}(*args, **kwargs):\n    raise RuntimeError({message!r})", scope)
        return scope[attribute]

    def get(owner, step):  # a module's own attribute: its __getattr__ may import
        return vars(owner)[step] if isinstance(owner, types.ModuleType) else getattr(owner, step)

    def swap(dotted):
        """Swap ``dotted`` in the longest of its prefixes imported, the rest as attributes;
        False when it is not there (yet)."""
        parts = dotted.split(".")
        cuts = [cut for cut in range(len(parts), 0, -1) if ".".join(parts[:cut]) in sys.modules]
        if not cuts:
            return False
        *path, attribute = parts[cuts[0] :] or [None]
        if attribute is None:  # a module: nothing to swap
            return True
        try:
            owner = sys.modules[".".join(parts[: cuts[0]])]
            for step in path:
                owner = get(owner, step)
            target = get(owner, attribute)
        except (AttributeError, KeyError):
            return False
        own = vars(owner) if isinstance(owner, type) else {}
        if isinstance(owner, type) and attribute not in own:  # inherited: shadow it here only
            undo.append((owner, attribute, None))
            setattr(owner, attribute, stand_in_for(attribute, dotted))
            return True
        original = own.get(attribute)
        stand_in = stand_in_for(attribute, dotted)
        inner = getattr(target, "__wrapped__", target)  # a decorated function's own code
        code = getattr(target, "__code__", None)
        if code is None or code.co_freevars:
            target, code = inner, getattr(inner, "__code__", None)
        if code is not None and not code.co_freevars:
            undo.append((target, "__code__", code))
            target.__code__ = stand_in.__code__
        else:
            undo.append((owner, attribute, original if original is not None else target))
            setattr(owner, attribute, stand_in)
        return True

    class Loader:
        """A module's own loader that, once the module has run, swaps the names under it."""

        def __init__(self, loader):
            self.loader = loader

        def __getattr__(self, attribute):
            return getattr(self.loader, attribute)

        def exec_module(self, module):
            try:
                self.loader.exec_module(module)
            finally:
                module.__loader__ = module.__spec__.loader = self.loader
            for dotted in [d for d in pending if d.startswith(module.__spec__.name + ".")]:
                if swap(dotted):
                    pending.remove(dotted)

    def find_spec(name, path=None, target=None):
        """A module a pending name is under: the spec the finders after the hook find, its
        loader wrapped in a Loader."""
        if not any(dotted.startswith(name + ".") for dotted in pending):
            return None
        for finder in sys.meta_path[sys.meta_path.index(hook) + 1 :]:
            spec = finder.find_spec(name, path, target) if hasattr(finder, "find_spec") else None
            if spec is not None:
                if hasattr(spec.loader, "exec_module"):
                    spec.loader = Loader(spec.loader)
                return spec
        return None

    undo = []
    pending = [dotted for dotted in names if not swap(dotted)]
    hook = types.SimpleNamespace(find_spec=find_spec)
    sys.meta_path.insert(0, hook)

    def restore():
        pending.clear()
        if hook in sys.meta_path:
            sys.meta_path.remove(hook)
        for holder, attribute, value in reversed(undo):
            if value is None:
                delattr(holder, attribute)
            else:
                setattr(holder, attribute, value)

    return restore


def tagged_args(target, *args):
    """Driver: call ``target`` with each ``{"array": data}`` argument as ``np.array(data)``
    (its dtype inferred: JSON integers stay integers) and each ``{"tuple": data}`` as a
    tuple; the result is returned as it is."""
    import numpy

    def decoded(arg):
        if isinstance(arg, dict) and set(arg) == {"array"}:
            return numpy.array(arg["array"])
        if isinstance(arg, dict) and set(arg) == {"tuple"}:
            return tuple(arg["tuple"])
        return arg

    return target(*[decoded(arg) for arg in args])
