"""The reviewer's forms: a score on the call's scale with a comment, and a conflict."""

from django import forms
from django.utils.translation import gettext_lazy as _

from calls.models import SCORE_MAX, SCORE_MIN


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    score = forms.DecimalField(
        label=_("Score"),
        required=False,
        max_digits=4,
        decimal_places=2,
        min_value=SCORE_MIN,
        max_value=SCORE_MAX,
        widget=forms.NumberInput(attrs={"step": "1", "min": SCORE_MIN, "max": SCORE_MAX}),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args, adoptable=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].help_text = _(
            "%(low)s to %(high)s; %(adoptable)s and above is adoptable."
        ) % {"low": int(SCORE_MIN), "high": int(SCORE_MAX), "adoptable": adoptable}


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you cannot review this proposal"), max_length=300, required=True
    )
