"""The GUI's name for the open project: the core's project object (annotator/project.py).

Every read a window needs is a method of it; ui modules never open a session themselves.
"""

from __future__ import annotations

from annotator.project import ProjectChoice, ProjectContext, new_project, open_project, people_of

__all__ = ["ProjectChoice", "ProjectContext", "new_project", "open_project", "people_of"]
