"""The data of the action table (ui/actions.py reads it): one row per action, in menu order.

``handler`` is ``root.method``: the root names a collaborator the menus or a key handler resolve
(``window``, ``controller``, ``pane``, ``stack``, ``review``, ``review_view`` for menus; ``target``
for the review panes' keys, ``gold`` for the gold pane's, ``controller`` for the article's).
Actions that share a ``group`` share one line in Help ▸ Keys (their keys joined by " / ").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from annotator.model import ReviewStatus

Context = Literal["global", "annotate", "review", "gold"]


@dataclass(frozen=True)
class ActionSpec:
    id: str
    text: str  # the menu's text, "&" marking the mnemonic
    keys: tuple[str, ...]  # default keys, Qt's portable text; the first is the menu's
    context: Context
    handler: str
    menu: str = ""  # "File", "Review/Review &status" …; "" for a key without a menu entry
    help: str = ""  # Help ▸ Keys' line; "" for an action without keys worth listing
    group: str = ""
    args: tuple[object, ...] = ()
    separator: bool = False  # a separator before it in its menu
    checkable: bool = False
    reviewing: bool = False  # enabled only while the review view is shown

    @property
    def label(self) -> str:
        return self.text.replace("&", "")

    @property
    def root(self) -> str:
        return self.handler.rsplit(".", 1)[0]

    @property
    def method(self) -> str:
        return self.handler.rsplit(".", 1)[1]


A = ActionSpec
DOC = "Next / previous document"
SPAN = "Select the next / previous span"
END = "Selected span: move its end one word right / left"
START = "Selected span: move its start one word left / right"
GOLD_END = "Gold pane: move the selected gold span's end one word right / left"
GOLD_START = "Gold pane: move the selected gold span's start one word left / right"
PICK = "Review: accept annotator 1–9's version of the current disagreement (replaces other versions in gold)"
ZOOM = "Larger / smaller text size (also Ctrl+wheel)"

# fmt: off
ACTIONS: tuple[ActionSpec, ...] = (
    A("new", "&New project…", ("Ctrl+N",), "global", "window.new_project", "File"),
    A("open", "&Open project file…", ("Ctrl+O",), "global", "window.open_project_file", "File"),
    A("open_url", "Open database &URL…", (), "global", "window.open_project_url", "File"),
    A("import", "&Import documents…", ("Ctrl+I",), "global", "window.import_documents", "File",
        separator=True),
    A("export", "&Export…", ("Ctrl+E",), "global", "window.export_project", "File"),
    A("merge", "&Merge teammate's work…", (), "global", "review.merge", "File"),
    A("annotator", "Annotator &name…", (), "global", "window.change_annotator", "File", separator=True),
    A("project_settings", "Project &settings…", (), "global", "window.edit_project_settings", "File"),
    A("train_model", "&Train an extractor…", (), "global", "window.train_model", "Suggest"),
    A("label_schema", "&Label schema…", (), "global", "window.edit_schema", "File"),
    A("quit", "&Quit", ("Ctrl+Q",), "global", "window.close", "File", separator=True),
    A("undo", "&Undo", ("Ctrl+Z",), "global", "stack.undo", "Edit", "Undo / redo", "undo"),
    A("redo", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "global", "stack.redo", "Edit", "", "undo"),
    A("retry_saving", "Retry &saving now", ("Ctrl+Shift+R",), "global", "window.pending.retry_now", "Edit",
        "Save the changes the database did not take now (they are retried by themselves as well)"),
    A("find", "&Find in article…", ("Ctrl+F",), "global", "pane.find_bar.open_bar", "Edit",
        "Find in the article; Enter / Shift+Enter: next / previous; label all occurrences", separator=True),
    A("snap", "&Snap selections to words", ("Ctrl+Shift+W",), "global", "window.set_snap", "Annotate",
        "Snap selections to whole words (toggle; off for sub-word spans)", checkable=True),
    A("link", "&Link selected span to an actor", ("R",), "annotate", "controller.begin_relation",
        "Annotate", "Then click an actor: link the selected quote or claim to it"),
    A("delete", "&Delete selected span", ("Del", "Backspace"), "annotate", "controller.delete_selected",
        "Annotate", "Delete the selected span (and its relations)"),
    A("attributes", "Set &attributes of selected span…", ("F2",), "annotate", "controller.edit_attributes",
        "Annotate", "Set the selected span's attributes: ↑/↓ pick, number keys choose, Enter saves"),
    A("relation_attributes", "Set attributes of the selected span's &link…", ("Ctrl+F2",), "annotate",
        "controller.edit_relation_attributes", "Annotate",
        "Set a link's attributes (the selected span's links whose type has any; a list asks which)"),
    A("document_attributes", "Set attributes of the &document…", ("Shift+F2",), "annotate",
        "controller.edit_document_attributes", "Annotate", "Set the document's attributes (genre, topic…)"),
    A("tag_actor", "Identify the ac&tor of the selected span…", ("I",), "annotate", "controller.tag_actor", "Annotate",
        "Which registry actor the selected ACTOR span names: type a name or alias, ↑/↓ Enter links, "
        "Ctrl+Enter makes a new actor, Esc leaves the span as it was (also asked when an ACTOR span is made)"),
    A("ask_actor", "As&k for the actor of each new ACTOR span", (), "global", "window.actors.set_asking",
        "Annotate", checkable=True),
    A("actor_registry", "Actor &registry", ("Ctrl+Shift+K",), "global", "window.actors.show_panel", "View",
        "The actor registry: filter, Enter jumps to an actor's next mention"),
    A("actor_new", "&New actor…", (), "global", "window.actors.edits.new", "Annotate"),
    A("actor_edit", "&Edit selected actor…", (), "global", "window.actors.edits.edit", "Annotate"),
    A("actor_merge", "Mer&ge the two selected actors…", (), "global", "window.actors.edits.merge", "Annotate"),
    A("actor_split", "S&plit mentions off the selected actor…", (), "global", "window.actors.edits.split",
        "Annotate"),
    A("actor_import", "Import actors from CS&V…", (), "global", "window.actors.edits.import_csv", "Annotate"),
    A("actor_export", "Export actors to CSV…", (), "global", "window.actors.edits.export_csv", "Annotate"),
    A("cycle", "Cycle &overlapping spans", ("O",), "annotate", "controller.cycle", "Annotate",
        "Cycle through the spans overlapping the cursor"),
    A("add_part", "Add selection as &part of the selected span", ("Alt+P",), "annotate",
        "controller.add_part", "Annotate", "Add the selected text as a part of the selected span (also "
        "Ctrl+drag); none selected: gather parts, then the label's key makes one multi-part span"),
    A("remove_part", "Remove the part at the cursor", ("Alt+Shift+P",), "annotate", "controller.remove_part",
        "Annotate", "Take the part under the caret out of the selected multi-part span"),
    A("comment", "&Comment on selection", ("M",), "annotate", "controller.comment", "Annotate",
        "Comment on the selected span, one of its links or the document (typed in the Comments panel)",
        separator=True),
    A("flag", "&Flag for discussion", ("F",), "annotate", "controller.flag", "Annotate",
        "Flag the selected span (or the document) for discussion: listed in review; say why in a reply"),
    A("comments", "Co&mments panel", ("Ctrl+Shift+M",), "global", "window.comments.show_panel", "View",
        "The comments panel: open comments and flags (or all), each a click away"),
    A("history", "Span &history…", ("Ctrl+H",), "global", "review.history", "Annotate",
        "History of the selected span: who changed it, when, and how"),
    A("done", "Mark document &done", ("Ctrl+Return",), "global", "controller.toggle_done", "Annotate",
        "Mark the document done (again: back to in progress)", separator=True),
    A("show_all", "Show &other annotators' spans", ("Ctrl+Shift+A",), "global", "window.set_show_all",
        "Annotate", "Show other annotators' spans (toggle)", separator=True, checkable=True),
    A("escape", "Cancel", ("Esc",), "annotate", "controller.escape", "",
        "Cancel linking; deselect the span; clear the selection"),
    A("end_right", "Move span end right", ("Shift+Right",), "annotate", "controller.resize_selected", "",
        END, "end", ("end", 1)),
    A("end_left", "Move span end left", ("Shift+Left",), "annotate", "controller.resize_selected", "", END,
        "end", ("end", -1)),
    A("start_left", "Move span start left", ("Alt+Shift+Left", "Ctrl+Shift+Left"), "annotate",
        "controller.resize_selected", "", START, "start", ("start", -1)),
    A("start_right", "Move span start right", ("Alt+Shift+Right", "Ctrl+Shift+Right"), "annotate",
        "controller.resize_selected", "", START, "start", ("start", 1)),
    A("next_doc", "&Next document", ("Ctrl+PgDown",), "global", "window.step_document", "Go", DOC, "doc",
        (1,)),
    A("prev_doc", "&Previous document", ("Ctrl+PgUp",), "global", "window.step_document", "Go", DOC, "doc",
        (-1,)),
    A("next_uncertain", "Next document: &most uncertain first", (), "global", "window.set_next_uncertain", "Go",
        checkable=True),
    A("next_span", "Next &span", ("Tab",), "annotate", "controller.walk", "Go", SPAN, "span", (1,),
        separator=True),
    A("prev_span", "Previous s&pan", ("Shift+Tab",), "annotate", "controller.walk", "Go", SPAN, "span",
        (-1,)),
    A("accept_suggestion", "Accept suggestion", ("Return", "Enter"), "annotate",
        "controller.accept_suggestion", "", "Accept the selected suggestion (Tab walks spans and suggestions)"),
    A("reject_suggestion", "Reject suggestion", ("X",), "annotate", "controller.reject_suggestion", "",
        "Reject the selected suggestion (it is not shown to you again)"),
    A("accept_suggestions", "Accept suggestions &above the threshold", ("Alt+Return",), "annotate",
        "controller.accept_suggestions_above", "Suggest",
        "Accept every suggestion in the document scored at or above the threshold (default 0.8)", separator=True),
    A("suggest_rules", "Suggest with &rules", (), "global", "suggestions.run_rules", "Suggest"),
    A("suggest_rules_all", "Suggest with rules on all &documents…", (), "global", "suggestions.run_rules_all",
        "Suggest"),
    A("suggest_model", "Suggest with a &model…", (), "global", "suggestions.suggest_with_model", "Suggest",
        "Suggest with a model trained in the app (or any model folder), here or on every document"),
    A("annotate_mode", "&Annotate", ("Ctrl+1",), "global", "review.set_active", "Review",
        "Switch to annotating / to reviewing", "mode", (False,)),
    A("review_mode", "&Review teammates' labels", ("Ctrl+2",), "global", "review.set_active", "Review", "",
        "mode", (True,)),
    A("next_disagreement", "&Next disagreement", ("F8",), "global", "review_view.walk", "Review",
        "Review: next / previous disagreement", "disagreement", (1,), separator=True, reviewing=True),
    A("prev_disagreement", "&Previous disagreement", ("Shift+F8",), "global", "review_view.walk", "Review",
        "", "disagreement", (-1,), reviewing=True),
    A("accept_agreed", "Accept all a&greed spans", ("Ctrl+Shift+Return",), "global",
        "review_view.accept_agreed", "Review", "Review: accept every span all chosen annotators agree on",
        reviewing=True),
    *(A(f"status_{v.value}", v.value.capitalize(), (), "global", "review_view.set_status",
        "Review/Review &status", args=(v.value,), reviewing=True) for v in ReviewStatus),
    A("agreement", "A&greement…", ("Ctrl+Shift+G",), "global", "review.show_agreement", "Review",
        "Agreement between the annotators", separator=True),
    A("roles", "Annotators and &roles…", (), "global", "review.edit_roles", "Review"),
    A("assign", "Assign &documents…", (), "global", "review.assign_documents", "Review"),
    A("progress", "Team &progress…", (), "global", "review.show_progress", "Review"),
    A("compare_gold", "Compare my work with &gold…", (), "global", "window.compare_gold", "Review"),
    A("whosaid", "&Who said what…", (), "global", "window.who_said", "Review"),
    A("review_next", "Next disagreement", ("N",), "review", "target.walk", "",
        "Review, in the list and the annotators' panes: next / previous disagreement", "review_walk", (1,)),
    A("review_prev", "Previous disagreement", ("P",), "review", "target.walk", "", "", "review_walk", (-1,)),
    *(A(f"review_pick_{n}", f"Accept annotator {n}", (str(n),), "review", "target.accept_annotator", "",
        PICK, "pick", (n - 1,)) for n in range(1, 10)),
    A("review_accept", "Accept", ("Return", "Enter"), "review", "target.accept_current", "",
        "Review: accept the ticked versions, or the span selected in an annotator's pane"),
    A("review_reject", "Reject", ("X",), "review", "target.reject_current", "",
        "Review: reject the ticked versions (or the selected span's, or all of the disagreement), or the current relation"),
    A("review_escape", "Deselect", ("Esc",), "review", "keys.deselect", "",
        "Review: deselect the span in an annotator's pane"),
    A("gold_escape", "Cancel", ("Esc",), "gold", "gold.escape", "",
        "Gold pane: cancel linking; deselect the gold span"),
    A("gold_next", "Next gold span", ("Tab",), "gold", "gold.walk", "",
        "Gold pane: select the next / previous gold span", "gold_walk", (1,)),
    A("gold_prev", "Previous gold span", ("Shift+Tab",), "gold", "gold.walk", "", "", "gold_walk", (-1,)),
    A("gold_delete", "Delete gold span", ("Del", "Backspace"), "gold", "gold.delete", "",
        "Review: delete the selected gold span"),
    A("gold_end_right", "Move gold end right", ("Shift+Right",), "gold", "gold.resize", "", GOLD_END,
        "gold_end", ("end", 1)),
    A("gold_end_left", "Move gold end left", ("Shift+Left",), "gold", "gold.resize", "", GOLD_END,
        "gold_end", ("end", -1)),
    A("gold_start_left", "Move gold start left", ("Alt+Shift+Left", "Ctrl+Shift+Left"), "gold",
        "gold.resize", "", GOLD_START, "gold_start", ("start", -1)),
    A("gold_start_right", "Move gold start right", ("Alt+Shift+Right", "Ctrl+Shift+Right"), "gold",
        "gold.resize", "", GOLD_START, "gold_start", ("start", 1)),
    A("gold_link", "Link gold spans", ("R",), "gold", "gold.link", "",
        "Review: then click a gold span: link the selected gold span to it"),
    A("larger", "&Larger text", ("Ctrl+=", "Ctrl++"), "global", "window.zoom", "View", ZOOM, "zoom", (1,)),
    A("smaller", "&Smaller text", ("Ctrl+-",), "global", "window.zoom", "View", ZOOM, "zoom", (-1,)),
    A("default_size", "&Default text size", ("Ctrl+0",), "global", "window.reset_zoom", "View",
        "Default text size"),
    A("keys", "&Guidelines and keys…", ("F1",), "global", "window.show_keys", "Help",
        "The project's guidelines, then this list of keys"),
    A("customise_keys", "&Customise keys…", (), "global", "window.customise_keys", "Help"),
    A("about", "&About", (), "global", "window.show_about", "Help"),
)
# fmt: on
