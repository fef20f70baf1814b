"""Check a running production stack the way a browser behind the TLS proxy uses it.

Run by .ci/smoke_production against gunicorn on plain HTTP, with ``X-Forwarded-Proto: https``
on every request as nginx sends it. Cookies are Secure, so this client keeps its own jar (the
standard library's would not send them over http). Standard library only. One line per check;
the first failure stops it with what was expected and what came back.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import email.policy
import hmac
import html
import http.client
import json
import re
import secrets
import struct
import sys
import time
import urllib.parse
import zoneinfo
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import Morsel, SimpleCookie
from pathlib import Path

PASSWORD = "casework-demo"  # noqa: S105 - the documented password of the demo accounts
# The documented demo TOTP secret that `demo_data --two-factor` gives every demo user (demo
# only): RFC 6238's test key, base32 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ, SHA1, 30 s, 6 digits.
DEMO_TOTP_KEY = bytes.fromhex("3132333435363738393031323334353637383930")
TWO_FACTOR = "/accounts/two-factor/"
COUNSELLOR, CENTRE_ADMIN = "amina", "chloe"
CENTRE_TIME_ZONE = zoneinfo.ZoneInfo("Europe/Brussels")  # settings.TIME_ZONE
OVERSIZED = 3 * 1024 * 1024  # over Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)
WAIT = 180  # seconds for the e-mail to arrive once due


class CheckFailed(Exception):
    pass


def ok(message: str) -> None:
    print(f"ok    {message}", flush=True)


def expect(condition: object, what: str, got: object) -> None:
    if not condition:
        raise CheckFailed(f"{what}; got: {got}")


def totp(at: float, key: bytes = DEMO_TOTP_KEY, step: int = 30, digits: int = 6) -> str:
    """RFC 6238: the HOTP (RFC 4226, HMAC-SHA1) of the number of steps since the epoch."""
    mac = hmac.new(key, struct.pack(">Q", int(at // step)), "sha1").digest()
    offset = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"


def fresh_code() -> str:
    if time.time() % 30 > 27:  # the step is about to change: wait for the next one
        time.sleep(30.5 - time.time() % 30)
    return totp(time.time())


@dataclass
class Page:
    status: int
    headers: http.client.HTTPMessage
    text: str
    set_cookies: dict[str, Morsel] = field(default_factory=dict)

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    @property
    def path(self) -> str:  # where it redirects to
        return urllib.parse.urlsplit(self.location).path

    def __str__(self) -> str:
        where = f" -> {self.location}" if self.location else ""
        alerts = re.findall(r'role="alert">\s*(?:<p>)?([^<]+)', self.text)  # form errors
        return f"{self.status}{where} {alerts or repr(self.text[:300])}"


class Forms(HTMLParser):
    """The forms of a page, each as the fields a browser would submit."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._open = False
        self._select: dict | None = None
        self._textarea: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        kind = a.get("type", "text").lower()
        if tag == "form":
            self.forms.append([])
            self._open = True
        elif not self._open or (not a.get("name") and tag != "option"):
            return
        elif tag == "input" and kind not in ("submit", "button", "reset", "image", "file"):
            if "checked" in a or kind not in ("checkbox", "radio"):
                self.forms[-1].append((a["name"], a.get("value", "on" if "checked" in a else "")))
        elif tag == "select":
            self._select = {"name": a["name"], "options": [], "chosen": []}
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value", ""))
            if "selected" in a:
                self._select["chosen"].append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = [a["name"], ""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = False
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"] or self._select["options"][:1]
            self.forms[-1].extend((self._select["name"], value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self.forms[-1].append((name, text.removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1] += data

    def having(self, name: str) -> list[tuple[str, str]]:
        """The fields of the first form with a field called ``name``."""
        form = next((form for form in self.forms if any(f == name for f, _ in form)), None)
        expect(form is not None, f"a form with a field {name!r}", self.forms)
        return form


class Browser:
    """One browser: its own cookies, and every request as the TLS proxy forwards it."""

    def __init__(self, base: str) -> None:
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.origin = f"https://{parts.netloc}"  # what the browser sees, in front of the proxy
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, **headers) -> Page:
        sent = {"User-Agent": "smoke", "Accept-Language": "en", "X-Forwarded-Proto": "https"}
        sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        sent.update(headers)
        sent = {name: value for name, value in sent.items() if value}
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            # An oversized body may be refused before it is all sent: read the answer anyway.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            page = Page(response.status, response.headers, response.read().decode(errors="replace"))
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                page.set_cookies[name], self.cookies[name] = morsel, morsel.value
        self.cookies = {name: value for name, value in self.cookies.items() if value}  # deleted
        return page

    def get(self, path: str, **headers) -> Page:
        return self.request("GET", path, **headers)

    def submit(self, path: str, field_name: str, **values: str) -> Page:
        """Open ``path``, fill in the form that has ``field_name`` and post it back."""
        page = self.get(path)
        expect(page.status == 200, f"GET {path} should answer 200", page)
        fields = [(f, v) for f, v in Forms(page.text).having(field_name) if f not in values]
        body = urllib.parse.urlencode([*fields, *values.items()]).encode()
        form = {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin}
        return self.request("POST", path, body, **form, Referer=self.origin + path)


def password_sign_in(base: str, username: str) -> tuple[Browser, Page]:
    browser = Browser(base)
    answer = browser.submit("/accounts/login/", "username", username=username, password=PASSWORD)
    expect(answer.status == 302, f"{username}'s sign-in should redirect", answer)
    return browser, answer


def two_factor_form(browser: Browser, path: str) -> str:
    """Ask for ``path`` with a password-only session: it must lead to the two-factor page."""
    page = browser.get(path)
    to = urllib.parse.parse_qs(urllib.parse.urlsplit(page.location).query).get("next")
    want = f"a 302 to {TWO_FACTOR}?next={path}"
    expect(page.status == 302 and page.path == TWO_FACTOR and to == [path], want, page)
    return page.location


def enter_code(browser: Browser, path: str) -> str:
    """Pass two-factor on the way to ``path``; return the code used."""
    code = fresh_code()
    answer = browser.submit(two_factor_form(browser, path), "code", code=code)
    expect(answer.status == 302 and answer.path == path, f"the code should lead to {path}", answer)
    return code


def refused(browser: Browser, path: str, code: str, why: str) -> None:
    """``code`` is refused (the form again, saying ``why``); ``path`` still asks for it."""
    answer = browser.submit(two_factor_form(browser, path), "code", code=code)
    shown = answer.status == 200 and 'name="code"' in answer.text and why in answer.text
    expect(shown, f"code {code}: the form again (200), saying it {why}", answer)
    two_factor_form(browser, path)


def check_https_and_headers(base: str) -> None:
    browser = Browser(base)
    page = browser.get("/", **{"X-Forwarded-Proto": ""})
    expect(page.status == 301 and page.location.startswith("https://"), "301 to https", page)
    ok("plain http is redirected to https (301)")

    request_id = "smoke-" + secrets.token_hex(8)
    page = browser.get("/accounts/login/", **{"X-Request-ID": request_id})
    expect(page.status == 200, "GET /accounts/login/ should answer 200", page)
    hsts = page.headers.get("Strict-Transport-Security", "")
    max_age = re.search(r"max-age=(\d+)", hsts)
    long = max_age and int(max_age[1]) >= 31536000 and "includesubdomains" in hsts.lower()
    expect(long, "HSTS max-age >= 31536000; includeSubDomains", hsts)
    csp = page.headers.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    strict = directives.get("default-src") == ["'self'"] and "unsafe-inline" not in csp
    expect(strict, "CSP default-src 'self', no 'unsafe-inline'", csp)
    wanted = ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin")
    wanted += ("X-Frame-Options", "DENY"), ("X-Request-ID", request_id)
    for name, value in wanted:
        expect(page.headers.get(name) == value, f"{name} should be {value}", page.headers)
    csrf = page.set_cookies.get("csrftoken")
    expect(csrf and csrf["secure"], "the csrftoken cookie should be Secure", csrf)
    ok("HSTS, CSP (self, no unsafe-inline), nosniff, same-origin, DENY, X-Request-ID; Secure csrf")


def check_sign_in(base: str) -> Browser:
    counsellor, answer = password_sign_in(base, COUNSELLOR)
    cookie = answer.set_cookies.get("sessionid")
    expect(cookie and cookie["secure"] and cookie["httponly"], "a Secure, HttpOnly session", cookie)
    ok(f"{COUNSELLOR} signs in with her password; the session cookie is Secure and HttpOnly")
    if answer.path != TWO_FACTOR:  # the sign-in went on to "/": that must ask for the code
        two_factor_form(counsellor, answer.path)
    code = enter_code(counsellor, "/caseload/")
    ok("the password alone opens nothing: the home page and the caseload redirect to two-factor")
    page = counsellor.get("/caseload/")
    expect(page.status == 200 and "My caseload" in page.text, "the caseload should open", page)
    ok("the TOTP code (RFC 6238, demo key) redirects to next and opens the caseload")

    # A second browser: the code just used, then a wrong one, are refused and open nothing.
    other, _answer = password_sign_in(base, COUNSELLOR)
    refused(other, "/caseload/", code, "was used already")
    ok("the code just used is refused in a second session (200, the form again)")
    time.sleep(2)  # a refused code slows the next try down by a second
    near = {totp(time.time() + shift) for shift in range(-60, 61, 30)}
    wrong = next(c for c in ("000000", "111111", "222222") if c not in near)
    refused(other, "/caseload/", wrong, "is not right")
    ok("a wrong code is refused (200, the form again); that session still opens nothing")
    return counsellor


def due_soon() -> datetime.datetime:
    """A whole minute 30 to 90 seconds from now, in the centre's time zone."""
    soon = datetime.datetime.now(CENTRE_TIME_ZONE) + datetime.timedelta(seconds=30)
    return soon.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)


def set_follow_up_time(admin: Browser, due: datetime.datetime) -> None:
    """A follow-up is a date; the centre admin sets at what time of day its reminder is due."""
    timing = {"follow_up_lead": "0", "follow_up_at": f"{due:%H:%M}"}
    answer = admin.submit("/centre/reminders/", "follow_up_lead", **timing)
    expect(answer.status == 302, "saving the reminder settings should redirect", answer)
    ok(f"{CENTRE_ADMIN} (centre admin) sets follow-up reminders: on the day, at {due:%H:%M}")


def fact(text: str, label: str) -> str:
    """The text after ``<dt>label</dt>`` on a page."""
    found = re.search(rf"<dt>{re.escape(label)}</dt>\s*<dd>(.*?)</dd>", text, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", found[1])).strip() if found else ""


@dataclass
class Recorded:
    case_path: str
    reference: str
    personal: list[str]  # what no e-mail may carry


def record_session(counsellor: Browser, due: datetime.datetime) -> Recorded:
    page = counsellor.get("/caseload/")
    rows = re.findall(r"<tr>(.*?)</tr>", page.text, re.S)
    mine = [r for r in rows if "Assigned to you" in r and "status-closed" not in r]
    case_path = re.search(r'href="(/cases/\d+/)"', mine[0])[1] if mine else None
    expect(case_path, "the caseload should list an open case of her own", page)
    case = counsellor.get(case_path)
    reference = re.search(r'<h1>[^<]*<span class="ref">([^<]+)</span>', case.text)
    client_path = re.search(r'href="(/clients/\d+/)"', case.text)
    expect(reference and client_path, f"{case_path} should show a reference and a client", case)
    client = counsellor.get(client_path[1])
    name, country = fact(client.text, "Name"), fact(client.text, "Country of origin")
    expect(name and name != "not given", "the demo client's file should give a name", client)
    marker = "smoke-" + secrets.token_hex(6)

    form_path = case_path + "sessions/new/"
    typed = {"why_came": f"{name} from {country}, {marker}", "notes": f"{name}: {marker}"}
    today = datetime.datetime.now(CENTRE_TIME_ZONE)
    dates = {"held_on": f"{today:%Y-%m-%d}", "next_follow_up": f"{due:%Y-%m-%d}"}
    answer = counsellor.submit(form_path, "next_follow_up", **dates, duration_minutes="45", **typed)
    saved = re.fullmatch(rf"{case_path}sessions/\d+/", answer.path)
    expect(saved, f"the session form should redirect to {case_path}sessions/<id>/", answer)
    recorded = Recorded(case_path, html.unescape(reference[1]), [*name.split(), country, marker])
    ok(f"{COUNSELLOR} records a session on {recorded.reference} ({name}), follow-up {due:%d.%m.}")
    return recorded


def check_health(base: str) -> None:
    page = Browser(base).get("/healthz")
    health = json.loads(page.text) if page.text.startswith("{") else {}
    healthy = all(health.get(part, {}).get("ok") for part in ("database", "broker", "beat"))
    expect(page.status == 200 and healthy, "200, with database, broker and beat ok", page)
    ok("/healthz: database, broker and beat ok")


def check_bad_requests(base: str) -> None:
    forged = Browser(base)
    forged.cookies["sessionid"] = secrets.token_urlsafe(24)
    page = forged.get("/caseload/")
    expect(page.status == 302 and page.path == "/accounts/login/", "a redirect to sign in", page)
    ok("a forged session cookie is redirected to the sign-in page (302)")
    page = Browser(base).submit("/accounts/login/", "username", username="x" * OVERSIZED)
    expect(page.status == 400, f"a {OVERSIZED}-byte sign-in POST should answer 400", page)
    ok(f"a {OVERSIZED // 1024 // 1024} MB sign-in POST answers 400")


def mail_to(maildir: Path, recipient: str, reference: str) -> email.message.EmailMessage | None:
    for path in sorted(maildir.glob("*/*")):
        if path.parent.name in ("new", "cur"):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if recipient in str(message["To"]) and reference in str(message["Subject"]):
                return message
    return None


def check_reminder_mail(maildir: Path, recorded: Recorded, due: datetime.datetime, origin: str):
    recipient = f"{COUNSELLOR}@example.org"  # demo_data: reminders by e-mail, one at a time
    deadline = max(time.time(), due.timestamp()) + WAIT
    while not (message := mail_to(maildir, recipient, recorded.reference)):
        late = f"an e-mail to {recipient} on {recorded.reference} by {due:%H:%M} + {WAIT} s"
        expect(time.time() < deadline, late, [p.name for p in maildir.glob("*/*")])
        time.sleep(2)
    ok(f"the e-mail reached {recipient}, {round(time.time() - due.timestamp())} s after due")
    subject = str(message["Subject"])
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = origin + recorded.case_path
    expect(link in body, f"the e-mail should link to {link}", body)
    leaked = [p for p in recorded.personal if p and p.lower() in (subject + body).lower()]
    expect(not leaked, "the e-mail should carry no personal data", f"{leaked} in {body!r}")
    ok(f"the e-mail {subject!r} links to the case and names none of {recorded.personal}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8021")
    parser.add_argument("--maildir", type=Path, required=True)
    args = parser.parse_args()
    try:
        expect(totp(59, digits=8) == "94287082", "RFC 6238's test vector", totp(59, digits=8))
        check_https_and_headers(args.base)
        counsellor = check_sign_in(args.base)
        due = due_soon()
        admin, _answer = password_sign_in(args.base, CENTRE_ADMIN)
        enter_code(admin, "/centre/reminders/")
        set_follow_up_time(admin, due)
        recorded = record_session(counsellor, due)
        check_health(args.base)
        check_bad_requests(args.base)
        check_reminder_mail(args.maildir, recorded, due, counsellor.origin)
    except CheckFailed as failure:
        print(f"FAIL  {failure}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
