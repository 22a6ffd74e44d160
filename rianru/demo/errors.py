from django.utils.translation import gettext_lazy as _

from rianru.core.errors import NotFound, ValidationFailed


class DemoDataMissing(NotFound):
    code = "demo_data_missing"


class DemoDataInvalid(ValidationFailed):
    code = "demo_data_invalid"

    def __init__(self, path, problem):
        super().__init__(
            _("Demo file %(path)s is invalid: %(problem)s") % {"path": path, "problem": problem},
            extra={"path": str(path)},
        )
