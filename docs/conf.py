"""Sphinx configuration of the elosim documentation.

Build (from the repository root, with the ``docs`` extra installed)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The build needs no network: intersphinx is not used, and the notebooks run on the data
bundled with elosim. Notebooks live in ``notebooks/`` (the single source, also run by
``pytest --nbmake notebooks/``); they are copied into ``docs/examples/`` at build time.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # autodoc imports elosim.plot; never open a window

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))  # editable installs work too; this is a fallback

import elosim  # noqa: E402

# -- copy the notebooks (single source: ../notebooks) --------------------------------------
_NB_SRC = ROOT / "notebooks"
_NB_DST = HERE / "examples"
_NB_DST.mkdir(exist_ok=True)
for _old in _NB_DST.glob("*.ipynb"):
    if not (_NB_SRC / _old.name).exists():
        _old.unlink()
for _nb in sorted(_NB_SRC.glob("*.ipynb")):
    _target = _NB_DST / _nb.name
    if not _target.exists() or _target.read_bytes() != _nb.read_bytes():
        shutil.copyfile(_nb, _target)

# -- project --------------------------------------------------------------------------------
project = "elosim"
author = "elosim developers"
copyright = "elosim developers (BSD-3-Clause)"  # noqa: A001
version = release = elosim.__version__

# -- general --------------------------------------------------------------------------------
extensions = [
    "myst_nb",  # Markdown (MyST) pages and executed notebooks
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
exclude_patterns = ["_build", "README.md", "**.ipynb_checkpoints", "jupyter_execute"]
templates_path = ["_templates"]
# no intersphinx: the build must work offline
default_role = "code"

# -- MyST / MyST-NB -------------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "attrs_inline"]
myst_heading_anchors = 3
nb_execution_mode = os.environ.get("ELOSIM_DOCS_EXECUTE", "force")  # "off" for a quick draft
nb_execution_timeout = 180  # seconds per cell
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_allow_errors = False
nb_merge_streams = True
nb_kernel_rgx_aliases = {".*": "python3"}

# -- autodoc / autosummary / numpydoc ------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = False
autodoc_typehints = "none"  # the numpydoc "Parameters" sections carry the types
autodoc_member_order = "bysource"
autodoc_default_options = {"members": False}
autodoc_preserve_defaults = True
numpydoc_show_class_members = False  # members come from autodoc; avoids duplicate targets
numpydoc_class_members_toctree = False
numpydoc_show_inherited_class_members = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

# -- HTML -----------------------------------------------------------------------------------
html_theme = "furo"
html_title = f"elosim {release}"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_theme_options = {
    "source_repository": "",
    "navigation_with_keys": True,
}
html_show_sourcelink = False
