'use server';
import { sql } from '@vercel/postgres';
import { Pool } from 'pg';

const pool = new Pool();

export async function updateDisplayName(formData: FormData) {
  const name = formData.get('displayName') as string;
  await pool.query(`UPDATE profiles SET display_name = '${name}' WHERE id = 1`); // ruleid: sql-injection
}

export async function updateBio(formData: FormData) {
  const bio = formData.get('bio') as string;
  await sql`UPDATE profiles SET bio = ${bio} WHERE id = 1`; // ok: sql-injection
}
