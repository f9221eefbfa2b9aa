"""Projects, their annotators, and who may change annotators' roles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.errors import NotFoundError, ValidationError
from annotator.identity import GOLD_NAME, name_key
from annotator.model import Annotator, Project, Role
from annotator.names import check_name
from annotator.ops.labels import add_label, add_relation_type
from annotator.resources import default_schema
from annotator.store import Actor, Tx


def create_project(
    tx: Tx, name: str, *, language: str | None = None, schema: dict[str, Any] | None = None
) -> Project:
    """Create a project with ``schema`` (default: CLAIM, QUOTE, ACTOR; speaker, claimant)."""
    name = check_name(name.strip(), "project")
    if not name:
        raise ValidationError("a project needs a name")
    if tx.session.scalar(select(Project.id).where(Project.name == name)) is not None:
        raise ValidationError(f"a project named {name!r} exists already")
    schema = schema if schema is not None else default_schema()
    project = Project(name=name, language=language or schema.get("language", "en"))
    tx.session.add(project)
    tx.session.flush()
    for item in schema.get("labels", []):
        add_label(
            tx,
            project.id,
            item["name"],
            color=item.get("color"),
            hotkey=item.get("hotkey"),
            description=item.get("description", ""),
        )
    for item in schema.get("relation_types", []):
        add_relation_type(
            tx,
            project.id,
            item["name"],
            from_label=item.get("from"),
            to_label=item.get("to"),
            color=item.get("color"),
            hotkey=item.get("hotkey"),
            description=item.get("description", ""),
        )
    tx.record("project", "created", (project.id,))
    return project


def find_project(session: Session, name: str | None = None) -> Project:
    """The project called ``name``; without a name, the only project in the database."""
    if name is not None:
        project = session.scalar(select(Project).where(Project.name == name))
        if project is None:
            known = ", ".join(session.scalars(select(Project.name).order_by(Project.name))) or "none"
            raise NotFoundError(f"no project named {name!r} (projects: {known})")
        return project
    projects = list(session.scalars(select(Project).order_by(Project.id).limit(2)))
    if not projects:
        raise NotFoundError("the database has no project yet; create one with `annotator init`")
    if len(projects) > 1:
        names = ", ".join(session.scalars(select(Project.name).order_by(Project.name)))
        raise NotFoundError(f"the database holds several projects ({names}); choose one with --project")
    return projects[0]


def ensure_annotator(tx: Tx, project_id: int, name: str, role: Role | None = None) -> Annotator:
    """The annotator called ``name`` in the project, created on first use (as an annotator).

    The gold layer's name is nobody's: however it is spelt, it is refused (only the review
    operations write gold). A ``role`` that differs from theirs is set with ``set_role``, so its
    rule applies.
    """
    name = check_name(name.strip(), "annotator")
    if not name:
        raise ValidationError("an annotator needs a name")
    check_not_gold(tx.session, project_id, name)
    annotator = tx.session.scalar(
        select(Annotator).where(Annotator.project_id == project_id, Annotator.name == name)
    )
    if annotator is None:
        _check_not_lookalike(tx.session, project_id, name)
        annotator = Annotator(project_id=project_id, name=name, role=Role.ANNOTATOR.value)
        tx.session.add(annotator)
        tx.session.flush()
        tx.record("annotator", "created", (annotator.id,), detail={"name": name})
    if role is not None and annotator.role != role.value:
        set_role(tx, project_id, annotator.id, role)
    return annotator


def check_not_gold(session: Session, project_id: int, name: str) -> None:
    """Refuse ``name`` when it is, or looks like, the name of the project's gold layer."""
    gold_names = session.scalars(
        select(Annotator.name).where(Annotator.project_id == project_id, Annotator.role == Role.GOLD.value)
    )
    key = name_key(name)
    if key in {name_key(GOLD_NAME), *(name_key(n) for n in gold_names)}:
        raise ValidationError(
            f"{name!r} is the gold layer's name: gold is written only by reviewers' review actions "
            "(accept, reject, adjudicate), never as an annotator; choose another name"
        )


def _check_not_lookalike(session: Session, project_id: int, name: str) -> None:
    """Refuse a new name that reads as a teammate's (another case, spacing or look-alike letters):
    in the audit log and the review panes it would pass for them."""
    key = name_key(name)
    names = session.scalars(select(Annotator.name).where(Annotator.project_id == project_id))
    twin = next((n for n in names if name_key(n) == key), None)
    if twin is not None:
        raise ValidationError(f"{name!r} looks like the annotator {twin!r}; use that name, or a distinct one")


def identify(tx: Tx, project_id: int, declared: str | None) -> Annotator:
    """The annotator at the keyboard: on PostgreSQL the one of the database login, else ``declared``.

    On a shared PostgreSQL database a teammate is their login (``current_user``): a declared name
    must be theirs (their login, or the name the admin gave their login), and is refused
    otherwise. A name of the login's that exists without a login (made before logins, or by an
    import) is claimed once by that login. Elsewhere names can only be declared.
    """
    login = tx.login
    if login is None:
        if declared is None:
            raise ValidationError("say who you are: an annotator name is needed")
        return ensure_annotator(tx, project_id, declared)
    query = select(Annotator).where(Annotator.project_id == project_id)
    me = tx.session.scalar(query.where(Annotator.login == login))
    if me is None:
        check_not_gold(tx.session, project_id, login)
        me = tx.session.scalar(query.where(Annotator.name == login))
        if me is None:
            _check_not_lookalike(tx.session, project_id, login)
            me = Annotator(project_id=project_id, name=login, login=login, role=Role.ANNOTATOR.value)
            tx.session.add(me)
            tx.session.flush()
            tx.record("annotator", "created", (me.id,), detail={"name": login, "login": login})
        elif me.login is None and me.role == Role.ANNOTATOR.value:
            me.login = login
            tx.session.flush()
            detail = {"name": me.name, "before": {"login": None}, "after": {"login": login}}
            tx.record("annotator", "updated", (me.id,), detail=detail)
        else:
            raise ValidationError(
                f"the annotator {login!r} of this project is not linked to your database login; ask the "
                f"database's admin to link it: UPDATE annotator SET login = '{login}' WHERE id = {me.id}"
            )
    if declared is not None and declared.strip() not in (me.name, login):
        raise ValidationError(
            f"you are logged in to the database as {login!r}, so you annotate as {me.name!r}, not "
            f"{declared.strip()!r}: on a shared PostgreSQL database each person is their login"
        )
    return me


def actor_of(person: Annotator) -> Actor:
    return Actor(person.name, person.id, person.role)


# --- roles ---------------------------------------------------------------------------------------
#
# Reviewers adjudicate. While a project has no reviewer anyone may take (or give) the role:
# somebody has to be first. Once there is one, only reviewers change roles. Scripts (no actor)
# act as the system and may always.

ROLES = (Role.ANNOTATOR, Role.REVIEWER)


def role_change_refusal(session: Session, project_id: int, actor: Actor | None) -> str | None:
    """Why ``actor`` may not change roles in the project now; None when they may.

    The actor's role is read from the database, not trusted from ``actor`` (a teammate may have
    changed it since the app read it).
    """
    if actor is None:
        return None
    reviewers = set(
        session.scalars(
            select(Annotator.id).where(
                Annotator.project_id == project_id, Annotator.role == Role.REVIEWER.value
            )
        )
    )
    if not reviewers:
        return None
    # An actor without an id (a named script) is what it says it is, as for adjudication.
    is_reviewer = actor.id in reviewers if actor.id is not None else actor.role == Role.REVIEWER.value
    if is_reviewer:
        return None
    return f"{actor.name} is not a reviewer; once a project has a reviewer, only reviewers change roles"


def _person(session: Session, project_id: int, who: str | int) -> Annotator:
    query = select(Annotator).where(Annotator.project_id == project_id)
    if isinstance(who, int):
        found = session.scalar(query.where(Annotator.id == who))
    else:
        found = session.scalar(query.where(Annotator.name == who.strip()))
    if found is None:
        known = session.scalars(
            select(Annotator.name)
            .where(Annotator.project_id == project_id, Annotator.role != Role.GOLD.value)
            .order_by(Annotator.name)
        )
        raise NotFoundError(f"no annotator {who!r} in the project (annotators: {', '.join(known) or 'none'})")
    if found.role == Role.GOLD.value:
        raise ValidationError(f"{found.name!r} is the gold layer, not a person; it has no role to change")
    return found


def set_roles(tx: Tx, project_id: int, changes: Sequence[tuple[str | int, Role | str]]) -> list[Annotator]:
    """Give annotators (by name or id) roles, as one decision of ``tx.actor``.

    Whether the actor may is judged once, before any change: a reviewer who hands the role on and
    gives up their own does so in one step, in any order. Each change is audited with the role
    before and after; unchanged roles record nothing.
    """
    wanted: list[tuple[Annotator, Role]] = []
    for who, role in changes:
        if role not in {r.value for r in ROLES}:
            raise ValidationError(f"unknown role {str(role)!r} (annotator, reviewer)")
        wanted.append((_person(tx.session, project_id, who), Role(role)))
    if any(person.role != role.value for person, role in wanted):
        refusal = role_change_refusal(tx.session, project_id, tx.actor)
        if refusal is not None:
            raise ValidationError(refusal)
        actor = tx.actor
        if actor is not None and actor.id is not None:
            actor_role = tx.session.scalar(select(Annotator.role).where(Annotator.id == actor.id))
            if actor_role == Role.REVIEWER.value:
                tx.check_reviewer_account(actor.id, actor.name)
    # Promotions first: on PostgreSQL the server checks each row as it is written, and a reviewer
    # handing the role on must still be one when the new reviewer is made.
    order = sorted(wanted, key=lambda item: item[1] != Role.REVIEWER) if tx.login else wanted
    for person, role in order:
        if person.role == role.value:
            continue
        before, person.role = person.role, role.value
        tx.record(
            "annotator",
            "updated",
            (person.id,),
            detail={"name": person.name, "before": {"role": before}, "after": {"role": role.value}},
        )
    tx.session.flush()
    return [person for person, _role in wanted]


def set_role(tx: Tx, project_id: int, who: str | int, role: Role | str) -> Annotator:
    """Give one annotator (by name or id) a role; see ``set_roles`` for who may."""
    return set_roles(tx, project_id, [(who, role)])[0]
