from rianru.core.errors import ApplicationError, NotFound, ValidationFailed


class LearnerExists(ValidationFailed):
    code = "learner_exists"


class InvalidAccountName(ValidationFailed):
    code = "invalid_account_name"


class InvalidEmail(ValidationFailed):
    code = "invalid_email"


class EmailTaken(ValidationFailed):
    code = "email_taken"


class VerificationFailed(ApplicationError):
    code = "verification_failed"
    status = 400


class LearnerNotFound(NotFound):
    code = "learner_not_found"
