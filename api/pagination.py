from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """{count, next, previous, results}, 50 rows a page unless `page_size` asks otherwise."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
