"""Sphinx configuration of the one documentation site of all three packages.

Build it with ``nox -s docs`` (warnings are errors). The packages are documented from
their installed copies, so the nox session installs all three before it runs Sphinx.
"""

from __future__ import annotations

import http.client
import importlib
import inspect
import os
import pkgutil
import re
import shutil
import sys
import threading
import time
import urllib.error
import urllib.request
import warnings
from datetime import date
from importlib import metadata
from pathlib import Path

import jinja2
import jinja2.sandbox
from docutils import nodes
from docutils.statemachine import StringList
from packaging.requirements import Requirement
from sphinx.util import logging, rst
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger("conf")

# sbpy 0.6 imports astropy's deprecated test runner, and astropy logs that on every build
# as "WARNING: AstropyDeprecationWarning"; it is not a Sphinx warning and not about us.
warnings.filterwarnings("ignore", message=r"The TestRunner(Base)? class is deprecated")

# -- Project ------------------------------------------------------------------------------

#: Distribution name -> import name, in the order the site presents them.
PACKAGES = {
    "sbpy-filter-transform": "sbpy_filter_transform",
    "sbpy-phasefit": "sbpy_phasefit",
    "tvs-classifier": "tvs_classifier",
}


def _installed_version(distribution: str) -> str:
    """Version of an installed distribution, or ``"not installed"``."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


#: The version of every package, read from what is installed (not from the source tree).
VERSIONS = {name: _installed_version(name) for name in PACKAGES}

project = "LSST tools for sbpy and variable stars"
author = "the sbpy-filter-transform, sbpy-phasefit and tvs-classifier developers"
copyright = f"{date.today().year}, {author}"
# The packages are released separately; the site shows one version when they agree.
release = (
    next(iter(VERSIONS.values()))
    if len(set(VERSIONS.values())) == 1
    else ", ".join(f"{name} {ver}" for name, ver in VERSIONS.items())
)
version = release
# |sbpy-filter-transform-version| and friends, usable on any page.
rst_epilog = "\n".join(f".. |{name}-version| replace:: {ver}" for name, ver in VERSIONS.items())

REPOSITORY = "https://github.com/lsst-sbpy-tvs/lsst-sbpy-tvs"

# -- General ------------------------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_copybutton",
    "matplotlib.sphinxext.plot_directive",
    # docs/_ext: tvs-classifier's figures from its model card and from `nox -s validate`.
    "validation_figures",
]
sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))
templates_path = ["_templates"]
exclude_patterns = ["_build", "**/.ipynb_checkpoints"]
default_role = "obj"
# Unresolved Python references stay plain text instead of failing the build: the API
# pages are generated from docstrings many people write, whose type names cannot all
# be linked, and offline builds (below) have no external targets at all.
nitpicky = False

# -- autodoc, autosummary and numpydoc ----------------------------------------------------

# autosummary rewrites the API pages on every build but never deletes the page of an
# object that was renamed or removed, and such a leftover page would fail the build as
# "not included in any toctree". So every build starts from empty generated/ folders.
for _generated in Path(__file__).resolve().parent.glob("*/generated"):
    shutil.rmtree(_generated)

autosummary_generate = True
# Members of a module are what its ``__all__`` lists (the design asks for one in every
# public module). Submodules are listed by the module template whatever ``__all__`` says,
# skipping private ``_name`` modules.
autosummary_ignore_module_all = False
# ``python -m <package>`` modules run the command line when imported: never import them.
autosummary_mock_imports = autodoc_mock_imports = [
    f"{name}.__main__" for name in PACKAGES.values()
]
#: Chapter folder (``docs/<chapter>/api.rst``) of each package's API pages.
CHAPTERS = {
    "sbpy_filter_transform": "filter-transform",
    "sbpy_phasefit": "phasefit",
    "tvs_classifier": "tvs-classifier",
}


def _public_modules(package: str) -> list[str]:
    """Import ``package`` and its submodules; return those not private (nor ``__main__``)."""
    names = [package]
    path = importlib.import_module(package).__path__
    for info in pkgutil.walk_packages(path, prefix=f"{package}."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            importlib.import_module(info.name)
            names.append(info.name)
    return names


def _scan_packages() -> dict[str, list[str]]:
    """The public modules of every installed package.

    A package with a module that fails to import is left out here, and the build goes on:
    autosummary then reports the failure, with its details, as a warning.
    """
    found = {}
    for package in PACKAGES.values():
        try:
            found[package] = _public_modules(package)
        except Exception:  # any error at import time, not only ImportError
            continue
    return found


MODULES = _scan_packages()
_ALL_MODULES = [name for names in MODULES.values() for name in names]


def _reexports() -> dict[str, str]:
    """Map ``module.name`` to ``home.name`` for names a module takes from a public one.

    A package usually re-exports in its ``__all__`` names defined in its public
    submodules (``sbpy_phasefit.HG`` is ``sbpy_phasefit.models.HG``). Such a name gets
    its page where it is defined; the module template only links to it, and
    `_resolve_reexport` sends references to the short name there too.
    """
    found = {}
    for modname in _ALL_MODULES:
        module = sys.modules[modname]
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name, None)
            home = getattr(obj, "__module__", None)
            if (
                home != modname
                and home in _ALL_MODULES
                and getattr(sys.modules[home], name, None) is obj
            ):
                found[f"{modname}.{name}"] = f"{home}.{name}"
    return found


def _shadowed() -> dict[str, list[str]]:
    """Public submodules hidden by an attribute of the same name in their package.

    ``sbpy_filter_transform.transform`` is both a module and, once the package has
    imported it, the function ``transform`` of that module. autosummary looks names up
    as attributes first, so it would document the function in place of the module and
    leave the module out. Such modules get their page from `_write_shadowed_pages` and
    are listed by the module template separately.
    """
    found: dict[str, list[str]] = {}
    for modname in _ALL_MODULES:
        parent, _, short = modname.rpartition(".")
        if parent and getattr(sys.modules[parent], short, None) is not sys.modules[modname]:
            found.setdefault(parent, []).append(short)
    return found


def _summary(obj) -> str:
    """First paragraph of the docstring of ``obj``, on one line."""
    doc = inspect.cleandoc(getattr(obj, "__doc__", None) or "")
    return " ".join(doc.split("\n\n")[0].split()) or "(no description yet)"


autosummary_context = {
    "reexports": _reexports(),
    "shadowed": _shadowed(),
    "summaries": {name: _summary(sys.modules[name]) for name in _ALL_MODULES},
}


def _write_shadowed_pages() -> None:
    """Write the page of every shadowed module with the module template autosummary uses."""
    here = Path(__file__).resolve().parent
    jinja = jinja2.sandbox.SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(here / "_templates" / "autosummary")
    )
    jinja.filters["escape"] = rst.escape
    jinja.filters["underline"] = lambda text, line="=": f"{text}\n{line * len(text)}"
    template = jinja.get_template("module.rst")
    for parent, shorts in autosummary_context["shadowed"].items():
        chapter = here / CHAPTERS[parent.partition(".")[0]] / "generated"
        for short in shorts:
            name = f"{parent}.{short}"
            module = sys.modules[name]
            names = getattr(module, "__all__", None) or [
                n
                for n, obj in vars(module).items()
                if not n.startswith("_") and getattr(obj, "__module__", None) == name
            ]
            groups: dict[str, list[str]] = {
                "functions": [],
                "classes": [],
                "exceptions": [],
                "attributes": [],
            }
            for member in names:
                obj = getattr(module, member, None)
                if inspect.ismodule(obj):
                    continue
                if inspect.isclass(obj):
                    kind = "exceptions" if issubclass(obj, BaseException) else "classes"
                else:
                    kind = "functions" if callable(obj) else "attributes"
                groups[kind].append(member)
            submodules = [
                m.rpartition(".")[2] for m in _ALL_MODULES if m.rpartition(".")[0] == name
            ]
            chapter.mkdir(parents=True, exist_ok=True)
            text = template.render(
                fullname=name, all_modules=submodules, **groups, **autosummary_context
            )
            (chapter / f"{name}.rst").write_text(text + "\n", encoding="utf-8")


_write_shadowed_pages()


def _resolve_reexport(app, env, node, contnode):
    """Let a reference to a re-exported name (``sbpy_phasefit.HG``) reach its page."""
    home = autosummary_context["reexports"].get(node.get("reftarget"))
    if node.get("refdomain") != "py" or home is None:
        return None
    domain = env.get_domain("py")
    return domain.resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], home, node, contnode
    )


autodoc_typehints = "signature"
autodoc_typehints_format = "short"
autodoc_member_order = "bysource"
# A method that overrides one of a base class (a Keras layer's ``call``, say) and has no
# docstring of its own is left out, rather than shown with the base class's docstring,
# which is written for another project's documentation and may not even be valid here.
autodoc_inherit_docstrings = False

# The autosummary templates in _templates/ list members; numpydoc must not add them again.
numpydoc_show_class_members = False
numpydoc_show_inherited_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
# Link the types written in Parameters and Returns where a target exists.
numpydoc_xref_param_type = True
numpydoc_xref_aliases = {
    "Quantity": "astropy.units.Quantity",
    "QTable": "astropy.table.QTable",
    "Table": "astropy.table.Table",
    "Time": "astropy.time.Time",
    "Unit": "astropy.units.Unit",
    "SourceSpectrum": "synphot.spectrum.SourceSpectrum",
    "SpectralElement": "synphot.spectrum.SpectralElement",
    "DataFrame": "pandas.DataFrame",
    "Axes": "matplotlib.axes.Axes",
    "Figure": "matplotlib.figure.Figure",
}
numpydoc_xref_ignore = {"optional", "default", "of", "or", "shape", "type", "like", "N", "M"}

# -- matplotlib's plot directive (figures in the tutorials) --------------------------------

plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 100)]
plot_rcparams = {"figure.figsize": (6.4, 4.0)}

# -- Intersphinx, with or without a network -----------------------------------------------

intersphinx_mapping = {
    "python": ("https://docs.python.org/3/", None),
    "numpy": ("https://numpy.org/doc/stable/", None),
    "scipy": ("https://docs.scipy.org/doc/scipy/", None),
    "matplotlib": ("https://matplotlib.org/stable/", None),
    "pandas": ("https://pandas.pydata.org/docs/", None),
    "astropy": ("https://docs.astropy.org/en/stable/", None),
    "sbpy": ("https://sbpy.readthedocs.io/en/stable/", None),
    "synphot": ("https://synphot.readthedocs.io/en/latest/", None),
}
intersphinx_timeout = 10
# Offline builds (CI has no network). Sphinx reports an inventory it cannot fetch as a
# *warning*, which -W turns into a failed build, and that warning carries no type that
# ``suppress_warnings`` could silence. So, before intersphinx loads anything, conf.py asks
# each inventory's host once (HEAD requests in parallel, 4 s at most in all), drops the
# projects that cannot be reached from the mapping and logs one line naming them.
# References to them then render as plain text: ``nitpicky`` is off, and references
# written ``:ref:`project:label``` become plain text too (_offline_reference_as_text).
# Only a successful answer counts: sandboxes and proxies often answer every request with
# an HTTP error. The log line gives the reason, so a wrong URL (HTTP 404) shows there, and
# a build with DOCS_OFFLINE=0 fails on it.
#   DOCS_OFFLINE unset or "auto": probe as above (developers, CI).
#   DOCS_OFFLINE=1: no probe, no external links at all.
#   DOCS_OFFLINE=0: no probe, every inventory required (a build to publish).
#: Seconds the reachability probe waits for each inventory.
OFFLINE_PROBE_TIMEOUT = 3.0
#: Names of the intersphinx projects dropped because they could not be reached.
_offline_projects: set[str] = set()


def _unreachable(url: str) -> str | None:
    """Return why ``url`` cannot be fetched now, or None when it can."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": "sphinx"})
        try:
            with urllib.request.urlopen(request, timeout=OFFLINE_PROBE_TIMEOUT):
                return None
        except urllib.error.HTTPError as err:
            if method == "HEAD" and err.code in {405, 501}:
                continue  # a server that does not answer HEAD: ask with GET
            return f"HTTP {err.code}"
        except urllib.error.URLError as err:
            return str(err.reason)
        except (OSError, http.client.HTTPException) as err:  # timeouts, resets, garbage
            return str(err) or type(err).__name__
    return None


def _probe(urls: dict[str, str]) -> dict[str, str | None]:
    """Run `_unreachable` on all ``urls`` at once, within a fixed total time.

    The socket timeout does not cover name resolution, which can hang far longer on a
    machine without a network; a probe still running at the deadline counts as
    unreachable, and its daemon thread is left to finish on its own.
    """
    found: dict[str, str | None] = {}

    def run(name: str, url: str) -> None:
        found[name] = _unreachable(url)

    threads = [
        threading.Thread(target=run, args=item, daemon=True, name=f"probe-{item[0]}")
        for item in urls.items()
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + OFFLINE_PROBE_TIMEOUT + 1
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return {name: found.get(name, "no answer in time") for name in urls}


def _drop_unreachable_inventories(app, config) -> None:
    """Remove from ``intersphinx_mapping`` the projects that cannot be reached now."""
    mode = os.environ.get("DOCS_OFFLINE", "").strip().lower()
    mapping = config.intersphinx_mapping
    if mode in {"0", "no", "false"} or not mapping:
        return
    if mode in {"1", "yes", "true"}:
        reasons = dict.fromkeys(mapping, "DOCS_OFFLINE=1")
    else:
        urls = {name: entry[0].rstrip("/") + "/objects.inv" for name, entry in mapping.items()}
        reasons = {name: why for name, why in _probe(urls).items() if why is not None}
    if not reasons:
        return
    _offline_projects.update(reasons)
    config.intersphinx_mapping = {k: v for k, v in mapping.items() if k not in reasons}
    logger.info(
        "intersphinx offline: no links to %s (%s); set DOCS_OFFLINE=0 to require them",
        ", ".join(sorted(reasons)),
        "; ".join(sorted(set(reasons.values()))),
    )


def _offline_reference_as_text(app, env, node, contnode):
    """Resolve a ``project:target`` reference into a dropped project as its plain text."""
    project_name, sep, _ = node.get("reftarget", "").partition(":")
    if sep and project_name in _offline_projects:
        return contnode
    return None


# -- Directives that read the installed packages -----------------------------------------


def _requirements(distribution: str) -> tuple[list[str], dict[str, list[str]]]:
    """Run-time requirements and requirements per extra, from the installed metadata."""
    runtime: list[str] = []
    extras: dict[str, list[str]] = {}
    for text in metadata.requires(distribution) or ():
        requirement = Requirement(text)
        extra = re.search(r"extra\s*==\s*['\"]([^'\"]+)['\"]", str(requirement.marker or ""))
        spec = f"{requirement.name}{requirement.specifier}"
        (extras.setdefault(extra.group(1), []) if extra else runtime).append(spec)
    return runtime, extras


class PackageDependencies(SphinxDirective):
    """A table of every package's dependencies and extras, as installed (never stale)."""

    def run(self) -> list[nodes.Node]:
        self.env.note_reread()  # the metadata can change without this page changing
        lines = [
            ".. list-table::",
            "   :header-rows: 1",
            "   :widths: 22 38 40",
            "",
            "   * - Package",
            "     - Needs at run time",
            "     - Extras",
        ]
        for distribution in PACKAGES:
            try:
                runtime, extras = _requirements(distribution)
            except metadata.PackageNotFoundError:
                runtime, extras = ["(not installed where the documentation was built)"], {}
            lines += [
                f"   * - {distribution}",
                f"     - {', '.join(runtime) or 'nothing else'}",
                "     - "
                + ("; ".join(f"``{k}``: {', '.join(v)}" for k, v in extras.items()) or "none"),
            ]
        container = nodes.container()
        self.state.nested_parse(StringList(lines, source="conf.py"), 0, container)
        return container.children


class PackageModules(SphinxDirective):
    """A list of a package's public modules, each with the summary of its docstring."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        self.env.note_reread()  # modules come and go without this page changing
        package = self.arguments[0]
        summaries = autosummary_context["summaries"]
        lines = [f"- :mod:`{name}`: {summaries[name]}" for name in MODULES.get(package, [])[1:]]
        container = nodes.container()
        self.state.nested_parse(StringList(lines, source="conf.py"), 0, container)
        return container.children


# -- HTML ---------------------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = "LSST tools for sbpy and variable stars"
html_theme_options = {
    "github_url": REPOSITORY,
    "navbar_align": "left",
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_context = {"default_mode": "auto"}
html_show_sourcelink = False

copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True


def setup(app) -> None:
    """Connect the handlers and the directive defined above."""
    # Before intersphinx validates the mapping (priority 800) and long before it loads it.
    app.connect("config-inited", _drop_unreachable_inventories, priority=400)
    app.add_directive("package-dependencies", PackageDependencies)
    app.add_directive("package-modules", PackageModules)
    # A missing reference is offered to every "missing-reference" handler before any
    # warning; returning the reference's own text resolves it. (A "warn-missing-reference"
    # handler could not do this: the std domain's handler of that event warns regardless.)
    app.connect("missing-reference", _offline_reference_as_text)
    app.connect("missing-reference", _resolve_reexport)
