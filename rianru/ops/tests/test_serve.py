"""`rianru serve`'s access log: successful xAPI requests stay out of it, errors and pages do not."""

from datetime import timedelta

import pytest

from rianru.lrs.xapi.handler import XAPI_ENVIRON_KEY


class Response:
    def __init__(self, status_code: int):
        self.status = f"{status_code} X"
        self.status_code = status_code
        self.sent = 2
        self.headers = []


@pytest.mark.parametrize("xapi_successes", [False, True])
def test_the_access_log_leaves_out_successful_xapi_requests(tmp_path, xapi_successes):
    from gunicorn.config import Config

    from rianru.ops.management.commands.serve import access_logger

    config = Config()
    config.set("accesslog", str(tmp_path / "access.log"))
    logger = access_logger(xapi_successes=xapi_successes)(config)
    environ = {"REQUEST_METHOD": "POST", "RAW_URI": "/xapi/statements", "SERVER_PROTOCOL": "HTTP/1.1"}
    try:
        logger.access(Response(200), [], {**environ, XAPI_ENVIRON_KEY: True}, timedelta(milliseconds=2))
        logger.access(Response(409), [], {**environ, XAPI_ENVIRON_KEY: True}, timedelta(milliseconds=2))
        logger.access(Response(200), [], {**environ, "RAW_URI": "/en/"}, timedelta(milliseconds=2))
    finally:
        for handler in list(logger.access_log.handlers):
            handler.close()
            logger.access_log.removeHandler(handler)
        for handler in list(logger.error_log.handlers):
            logger.error_log.removeHandler(handler)
    lines = (tmp_path / "access.log").read_text().splitlines()
    assert len(lines) == (3 if xapi_successes else 2)
    assert ('"POST /xapi/statements HTTP/1.1" 200' in lines[0]) is xapi_successes
    assert '"POST /xapi/statements HTTP/1.1" 409' in lines[-2]
    assert '"POST /en/ HTTP/1.1" 200' in lines[-1]
