from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from domeinwacht import __version__


@api_view(["GET"])
def health(request: Request) -> Response:
    """Liveness: the API answers and knows its version."""
    return Response({"status": "ok", "version": __version__})
