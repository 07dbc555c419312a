"""Images uploaded for notes: multipart `image`, checked by Pillow, served back at their URL."""

from __future__ import annotations

import io
import secrets
import string
from pathlib import PurePosixPath
from typing import Any

from starlette.responses import Response

from mock_server.pipeline.bodies import UploadedFile
from mock_server.pipeline.context import Call, authenticated, json_response
from mock_server.pipeline.errors import ValidationError
from mock_server.resources.handlers import Registry
from mock_server.resources.serializers import now_text
from mock_server.resources.views import Model, ModelViews
from mock_server.state.fixtures import TableSpec, component_record
from mock_server.state.store import Record

NOTES_IMAGES = TableSpec(
    "notes_images", component_record("NotesImage", optional=("user",)), references={"user": "users"}
)
INVALID_IMAGE = "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
MEDIA_PREFIX = "/media/notes/"
RANDOM_CHARACTERS = string.ascii_letters + string.digits


def serialize(record: Record, call: Call) -> dict[str, Any]:
    return {"pk": record["pk"], "image": record["image"], "user": record.get("user"), "date": record["date"]}


def check_image(upload: UploadedFile) -> str:
    """Django's ImageField check: Pillow must open and verify the file. Returns its MIME type."""
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415 - loaded with the first upload, not at start-up

    try:
        with Image.open(io.BytesIO(upload.content)) as image:
            image.verify()
            kind = Image.MIME.get(image.format or "", "application/octet-stream")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError({"image": [INVALID_IMAGE]}) from None
    return kind


def storage_path(call: Call, filename: str) -> str:
    """Where Django's storage puts the file: its own name, made unique as `get_available_name` does.

    Django appends `_` and seven random letters and digits (`get_random_string(7)`) before the suffix.
    """
    name = PurePosixPath(filename).name or "image"
    path = MEDIA_PREFIX + name
    while path in call.store.media:
        stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix
        random = "".join(secrets.choice(RANDOM_CHARACTERS) for _ in range(7))
        path = f"{MEDIA_PREFIX}{stem}_{random}{suffix}"
    return path


def register(registry: Registry) -> None:
    registry.table(NOTES_IMAGES)
    views = ModelViews(Model(table="notes_images", verbose_name="Notes image", serialize=serialize))

    async def create(call: Call) -> Response:
        upload = call.data.get("image")
        if not isinstance(upload, UploadedFile):
            raise ValidationError({"image": ["No file was submitted."]})
        content_type = check_image(upload)
        with call.store.transaction():
            path = storage_path(call, upload.filename)
            call.store.media[path] = (content_type, upload.content)
            record = call.store["notes_images"].insert({"image": path, "user": call.user_pk, "date": now_text()})
        return json_response(serialize(record, call), status=201)

    registry.add("notes_image_upload_list", views.list, authenticated)
    registry.add("notes_image_upload_create", create, authenticated)
