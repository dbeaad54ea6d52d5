# The production image: gunicorn serves Django, whitenoise serves the static files.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# gettext compiles catalogues; Pango and the IPAex fonts let WeasyPrint write Japanese PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 \
       fonts-ipaexfont-gothic fonts-ipaexfont-mincho \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir .
# Static files are collected into the image; whitenoise serves them compressed.
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

RUN useradd --create-home aspire && mkdir -p /app/media && chown aspire /app/media
USER aspire
EXPOSE 8000
CMD ["gunicorn", "aspire.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
