"""Multipart bodies read as Django reads them: a bad Content-Type is refused, a malformed body is read leniently.

Each answer here is the one a real InvenTree 0.18 (Django 4.2's MultiPartParser under DRF) gives.
"""

from __future__ import annotations

import base64

import httpx
import pytest

BOUNDARY = "XyZ"


def part(name: str | None, value: str, *, headers: str = "") -> str:
    disposition = "Content-Disposition: form-data" + (f'; name="{name}"' if name is not None else "")
    return f"--{BOUNDARY}\r\n{disposition}\r\n{headers}\r\n{value}\r\n"


END = f"--{BOUNDARY}--\r\n"


@pytest.mark.parametrize(
    ("content_type", "detail"),
    [
        ("multipart/form-data", "Invalid boundary in multipart: None"),
        ("multipart/form-data; charset=utf-8", "Invalid boundary in multipart: None"),
        ("multipart/form-data; boundary=", "Invalid boundary in multipart: "),
        ('multipart/form-data; boundary="a b "', "Invalid boundary in multipart: a b "),
        ("multipart/form-data; boundary=" + "b" * 202, "Invalid boundary in multipart: " + "b" * 202),
    ],
)
def test_a_content_type_without_a_valid_boundary_is_refused_before_the_body(
    admin: httpx.Client, content_type: str, detail: str
) -> None:
    response = admin.post("/api/project-code/", content=b"hello", headers={"Content-Type": content_type})
    assert (response.status_code, response.json()) == (400, {"detail": f"Multipart form parse error - {detail}"})


def test_a_non_ascii_content_type_is_refused(admin: httpx.Client) -> None:
    content_type = "multipart/form-data; boundary=é".encode()  # sent as UTF-8, read as Latin-1 (ASGI)
    response = admin.post("/api/project-code/", content=b"hello", headers={"Content-Type": content_type})
    assert response.json() == {
        "detail": "Multipart form parse error - Invalid non-ASCII Content-Type in multipart: "
        "multipart/form-data; boundary=\xc3\xa9"
    }


@pytest.mark.parametrize(
    ("body", "answer"),
    [
        ("hello", {"code": ["This field is required."]}),
        (part(None, "v") + END, {"code": ["This field is required."]}),
        (f"--{BOUNDARY}\r\n\r\nv\r\n" + END, {"code": ["This field is required."]}),
        (part(None, "v") + part("code", "MP-1") + END, "MP-1"),
        (f"--{BOUNDARY}\r\nGarbage\r\n\r\nv\r\n" + part("code", "MP-2") + END, "MP-2"),
        ("text before the first boundary\r\n" + part("code", "MP-3") + END, "MP-3"),
        (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="code"\r\n\r\nMP-4', "MP-4"),
        (part(" code ", "MP-5") + END, "MP-5"),
        (
            part("code", base64.b64encode(b"MP-6").decode(), headers="Content-Transfer-Encoding: base64\r\n") + END,
            "MP-6",
        ),
    ],
    ids=["junk", "no-name", "no-headers", "unnamed-part", "bad-header", "preamble", "unterminated", "spaces", "base64"],
)
def test_what_django_cannot_read_is_skipped_not_refused(admin: httpx.Client, body: str, answer: object) -> None:
    response = admin.post(
        "/api/project-code/",
        content=body.encode(),
        headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
    )
    if isinstance(answer, str):
        assert (response.status_code, response.json()["code"]) == (201, answer)
    else:
        assert (response.status_code, response.json()) == (400, answer)


@pytest.mark.parametrize(
    ("filename", "message"),
    [
        ("", "The submitted data was not a file. Check the encoding type on the form."),
        ("..", "No file was submitted."),
        ("dir/..", "No file was submitted."),
    ],
    ids=["empty: a text field", "dots: skipped", "a path to dots: skipped"],
)
def test_a_file_part_is_a_file_by_its_file_name(admin: httpx.Client, filename: str, message: str) -> None:
    body = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="{filename}"\r\n'
        f"Content-Type: image/png\r\n\r\nxx\r\n{END}"
    )
    response = admin.post(
        "/api/notes-image-upload/",
        content=body.encode(),
        headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
    )
    assert response.json() == {"image": [message]}
