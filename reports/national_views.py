from django.shortcuts import render

from jobs.documents import stored_file_response
from national.views import get_national_membership

from . import services
from .rendering import document_filename
from .selectors import get_ssat_document, ssat_documents


def ssat_reports(request, body):
    """SSAT's version of each issued report of the Gaining Ground schools it serves."""
    membership = get_national_membership(request, body)
    documents = ssat_documents(membership)
    return render(request, "reports/ssat_reports.html", {"membership": membership, "documents": documents})


def ssat_download(request, body, document_id):
    membership = get_national_membership(request, body)
    document = get_ssat_document(membership, document_id)
    services.document_download(actor=request.user, document=document, request=request)
    return stored_file_response(
        document.file.name, document_filename(document.report, document.audience), "application/pdf"
    )
