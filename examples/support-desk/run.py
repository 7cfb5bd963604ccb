"""Local development server: `python run.py`. Production runs gunicorn (see Dockerfile)."""

from app import create_app

app = create_app()

if __name__ == "__main__":
    app.run(port=5000, debug=True)
