"""The forms of the PI's annual report: one per section, each refusing what cannot be true."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries.fields import LazyTypedChoiceField

from accounts.models import User
from aspire import countries, normalise
from projects.models import (
    SHORT_STAY_DAYS,
    AnnualReport,
    Event,
    EventKind,
    Exchange,
    Hub,
    LabStatistic,
    MemberRole,
    Paper,
    Participant,
    Presentation,
    ProjectMember,
    SurveyAnswer,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# One line per kind, shown on the form so that every project classifies its events alike.
EVENT_DEFINITIONS = {
    EventKind.WORKSHOP: _("Workshop: a working meeting of the joint teams on the research itself."),
    EventKind.SYMPOSIUM: _("Symposium: a public meeting with invited speakers from outside."),
    EventKind.SEMINAR: _("Seminar: a talk or small series of talks for a lab or department."),
    EventKind.LECTURE_TOUR: _("Lecture tour: one speaker giving talks at several places."),
    EventKind.OTHER: _("Other: any other event organised by the project."),
}


class VersionedForm(forms.ModelForm):
    """Carries the version of the row (or report) the edit started from (aspire/versions.py)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, report: AnnualReport | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        for field in self.fields.values():
            if isinstance(field, LazyTypedChoiceField):  # a country: the page's order
                blank = [choice for choice in field.choices if choice[0] == ""][:1]
                field.choices = blank + countries.choices()

    def row_values(self) -> dict:
        """The fields this form edits, for projects.reporting.edit_row (a three-way merge)."""
        return {
            name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data
        }


class PaperForm(VersionedForm):
    class Meta:
        model = Paper
        fields = ["doi", "title", "journal", "published_on", "authors", "international_coauthored"]
        widgets = {"published_on": DATE, "authors": forms.Textarea(attrs={"rows": 2})}


class PresentationForm(VersionedForm):
    class Meta:
        model = Presentation
        fields = ["title", "conference", "country", "presented_on", "international"]
        widgets = {"presented_on": DATE}


class EventForm(VersionedForm):
    class Meta:
        model = Event
        fields = ["kind", "title", "held_on", "country", "participants"]
        widgets = {"held_on": DATE, "kind": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].help_text = " ".join(str(text) for text in EVENT_DEFINITIONS.values())


class ExchangeForm(VersionedForm):
    class Meta:
        model = Exchange
        fields = [
            "direction",
            "person",
            "career_stage",
            "country",
            "institution",
            "institution_ror",
            "start_date",
            "end_date",
            "funded_by_program",
            "purpose",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "purpose": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "purpose": _("Required for stays of %(days)s days or less.") % {"days": SHORT_STAY_DAYS}
        }

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        short = start and end and (end - start).days + 1 <= SHORT_STAY_DAYS
        if short and not data.get("purpose", "").strip():
            self.add_error("purpose", _("Say what a stay of 7 days or less was for."))
        return data


class HubForm(VersionedForm):
    class Meta:
        model = Hub
        fields = ["name", "country", "established_on", "closed_on"]
        widgets = {"established_on": DATE, "closed_on": DATE}


class LabStatisticForm(VersionedForm):
    class Meta:
        model = LabStatistic
        fields = ["events_held", "researchers_invited", "researchers_dispatched"]


class SurveyAnswerForm(VersionedForm):
    """The person is typed (the page offers the project's participants to pick from) and
    names a participant however it is spelt; a new name adds a participant."""

    person = forms.CharField(label=_("person"), max_length=200)

    class Meta:
        model = SurveyAnswer
        fields = ["timing", "networking", "communication", "expertise", "language", "leadership"]

    field_order = ["person", *Meta.fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].widget.attrs["list"] = "participants"  # the page's <datalist>
        if self.instance.participant_id:
            self.initial.setdefault("person", self.instance.participant.name)

    def clean(self) -> dict:
        data = super().clean()
        name = normalise.name(data.get("person", ""))
        if name:
            known = Participant.objects.filter(
                project=self.report.project_id, key=normalise.person_key(name)
            ).first()
            self.instance.participant = known or Participant(project=self.report.project, name=name)
        return data

    def row_values(self) -> dict:
        return super().row_values() | {"participant": self.instance.participant}


class ReportDetailsForm(VersionedForm):
    """The report's own answers: buy-out use and travel costs."""

    class Meta:
        model = AnnualReport
        fields = ["buyout_used", "buyout_reason", "travel_trips", "travel_cost_yen"]
        widgets = {"buyout_reason": forms.Textarea(attrs={"rows": 2})}

    def clean(self) -> dict:
        data = super().clean()
        if data.get("buyout_used") is False and not data.get("buyout_reason", "").strip():
            self.add_error("buyout_reason", _("Say why the buy-out was not used."))
        return data


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What the PI should fix"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class MemberForm(forms.Form):
    """The PI names a colleague, by the e-mail they sign in with, to help edit drafts."""

    email = forms.EmailField(label=_("E-mail"), max_length=254)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        self.user = User.objects.filter(email__iexact=email).first()
        if self.user is None:
            raise ValidationError(_("No one signs in with this e-mail; ask staff to invite them."))
        if self.project.memberships.filter(user=self.user).exists():
            raise ValidationError(_("This person is already a member of the project."))
        return email


class RemoveMemberForm(forms.Form):
    """The member the PI removes: one of the project's members (never its PI), by id."""

    remove = forms.ModelChoiceField(
        ProjectMember.objects.none(),
        error_messages={
            "invalid_choice": _("This person is no member you can remove."),
            "required": _("This person is no member you can remove."),
        },
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove"].queryset = project.memberships.filter(role=MemberRole.MEMBER)
