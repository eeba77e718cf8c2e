from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Ja, die Daten dieser Person jetzt löschen"),
        help_text=_("Das lässt sich nicht rückgängig machen."),
        error_messages={"required": _("Bitte bestätigen Sie die Löschung mit dem Häkchen.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
