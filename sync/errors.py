"""Issues and errors of the sync protocol, with Vietnamese and English messages.

Every refusal names the field it is about (a path such as ``items[3].client_uuid``), a
stable machine code, and a message in both languages, so the phone can show Vietnamese
text without a lookup table of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

# code -> (Vietnamese template, English template). Templates use str.format fields.
MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("Thiếu trường bắt buộc.", "This field is required."),
    "wrong_type": ("Sai kiểu dữ liệu: cần {expected}.", "Wrong type: expected {expected}."),
    "unknown_field": ("Trường không được hỗ trợ.", "Unknown field."),
    "invalid_json": (
        "Nội dung không phải JSON hợp lệ (UTF-8).",
        "The body is not valid UTF-8 JSON.",
    ),
    "duplicate_key": (
        "Khóa bị lặp lại trong cùng một đối tượng.",
        "A key is repeated in one object.",
    ),
    "not_allowed": (
        "Trường này không dùng cho loại mục {kind}.",
        "This field is not allowed for items of kind {kind}.",
    ),
    "invalid_uuid": ("Không phải UUID hợp lệ.", "Not a valid UUID."),
    "invalid_sha256": (
        "Không phải mã SHA-256 hợp lệ (64 ký tự hex thường).",
        "Not a valid SHA-256 (64 lowercase hex characters).",
    ),
    "invalid_choice": (
        "Giá trị không hợp lệ; chấp nhận: {choices}.",
        "Invalid value; allowed: {choices}.",
    ),
    "invalid_name": (
        "Tên tệp không hợp lệ (chữ, số, '.', '_', '-'; tối đa 100 ký tự).",
        "Invalid file name (letters, digits, '.', '_', '-'; at most 100 characters).",
    ),
    "file_missing": (
        "Không tìm thấy tệp {name} bên cạnh tệp khảo sát.",
        "File {name} was not found beside the survey file.",
    ),
    "duplicate_name": ("Tên tệp đính kèm bị trùng.", "Duplicate attachment name."),
    "float_not_allowed": (
        "Không dùng số thực; hãy gửi số thập phân dưới dạng chuỗi.",
        "Floats are not allowed; send decimals as strings.",
    ),
    "out_of_range": (
        "Giá trị ngoài khoảng cho phép ({low}–{high}).",
        "Value out of the allowed range ({low}–{high}).",
    ),
    "too_long": ("Quá dài (tối đa {limit}).", "Too long (at most {limit})."),
    "too_many_items": (
        "Lô có quá nhiều mục (tối đa {limit}).",
        "The batch has too many items (at most {limit}).",
    ),
    "batch_too_large": (
        "Lô quá lớn (tối đa {limit} byte).",
        "The batch is too large (at most {limit} bytes).",
    ),
    "payload_sha256_mismatch": (
        "Mã băm không khớp với nội dung gửi lên.",
        "payload_sha256 does not match the canonical hash of the payload.",
    ),
    "invalid_string": (
        "Chuỗi chứa ký tự Unicode không hợp lệ (nửa cặp thay thế).",
        "The string holds an invalid Unicode character (a lone surrogate).",
    ),
    "client_uuid_reused": (
        "client_uuid này đã được dùng cho một mục khác; hãy tạo UUID mới.",
        "This client_uuid is already used by another item; generate a new one.",
    ),
    "permission_denied": (
        "Vai trò của bạn không được phép thực hiện thao tác này.",
        "Your role does not allow this action.",
    ),
    "target_not_found": (
        "Không tìm thấy hộ hoặc thành viên cần sửa trong địa bàn của bạn.",
        "The household or member to edit was not found in your area.",
    ),
    "protocol_missing": (
        "Thiếu phiên bản giao thức (X-ChungTay-Protocol).",
        "The protocol version (X-ChungTay-Protocol) is missing.",
    ),
    "protocol_too_old": (
        "Ứng dụng quá cũ (giao thức {client}); hãy cập nhật lên phiên bản hỗ trợ "
        "giao thức {minimum} trở lên.",
        "The app is too old (protocol {client}); update it to one that speaks "
        "protocol {minimum} or newer.",
    ),
    "protocol_too_new": (
        "Máy chủ chưa hỗ trợ giao thức {client} (tối đa {maximum}).",
        "The server does not speak protocol {client} yet (at most {maximum}).",
    ),
    "protocol_mismatch": (
        "Phiên bản giao thức trong header và trong nội dung khác nhau.",
        "The protocol version in the header and in the body differ.",
    ),
    "invalid_cursor": ("Con trỏ đồng bộ không hợp lệ.", "Invalid sync cursor."),
    "content_range_invalid": (
        "Header Content-Range không hợp lệ.",
        "Invalid Content-Range header.",
    ),
    "body_truncated": (
        "Nội dung bị cắt: nhận {received} trên {expected} byte; hãy gửi lại.",
        "The body was cut short: {received} of {expected} bytes arrived; send it again.",
    ),
    "chunk_length_mismatch": (
        "Độ dài dữ liệu không khớp với Content-Range.",
        "The body length does not match Content-Range.",
    ),
    "upload_size_mismatch": (
        "Tổng kích thước ({total}) khác kích thước đã khai báo ({declared}).",
        "The total size ({total}) differs from the declared size ({declared}).",
    ),
    "upload_offset_mismatch": (
        "Máy chủ đã nhận {offset} byte; hãy gửi tiếp từ vị trí đó.",
        "The server holds {offset} bytes; continue from that offset.",
    ),
    "attachment_not_declared": (
        "Tệp đính kèm chưa được khai báo trong mục đã gửi.",
        "The attachment was not declared by a pushed item.",
    ),
    "attachment_too_large": (
        "Tệp đính kèm quá lớn (tối đa {limit} byte).",
        "The attachment is too large (at most {limit} bytes).",
    ),
    "photo_required": (
        "Cần ít nhất một ảnh chụp tại công trình.",
        "At least one photo taken on site is required.",
    ),
    "undeclared_attachment": (
        "Ảnh “{name}” không có trong danh sách tệp đính kèm của mục.",
        "Photo “{name}” is not among the item's declared attachments.",
    ),
    "sha256_mismatch": (
        "Mã SHA-256 của tệp nhận được không khớp; hãy gửi lại từ đầu.",
        "The received file's SHA-256 does not match; upload it again from the start.",
    ),
}


@dataclass(frozen=True)
class Issue:
    """One refusal about one field: where, what, and why in both languages."""

    path: str
    code: str
    message_vi: str
    message_en: str


def issue(path: str, code: str, **params: object) -> Issue:
    """Build an Issue from the message catalogue; an unknown code is a programming error."""
    vi, en = MESSAGES[code]
    return Issue(
        path=path, code=code, message_vi=vi.format(**params), message_en=en.format(**params)
    )


class SyncError(Exception):
    """A refusal of a whole request; `http_status` is what the HTTP layer answers."""

    http_status = 400

    def __init__(self, issues: tuple[Issue, ...] | list[Issue]) -> None:
        self.issues = tuple(issues)
        super().__init__("; ".join(f"{i.path}: {i.code}" for i in self.issues))


class DecodeError(SyncError):
    """The request does not have the shape the wire format requires (HTTP 400)."""


class BatchTooLarge(SyncError):
    """The batch exceeds the item count or byte limit (HTTP 413)."""

    http_status = 413


class AttachmentTooLarge(SyncError):
    """An upload body or declared total exceeds MAX_ATTACHMENT_BYTES (HTTP 413)."""

    http_status = 413


class ProtocolTooOld(SyncError):
    """The client speaks a protocol below MIN_SUPPORTED_CLIENT_PROTOCOL (HTTP 426)."""

    http_status = 426
